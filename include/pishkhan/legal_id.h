/* The legal-entity national ID (شناسه ملی) of a company or institution. */
#ifndef PISHKHAN_LEGAL_ID_H
#define PISHKHAN_LEGAL_ID_H
#include <stdbool.h>

/* Exactly 11 digits in one string (any digit set: ASCII, Persian, Arabic-Indic; nothing
 * else), the check digit right, and neither all zeros nor zeros in positions 3..8 (no such
 * IDs are issued, though some pass the check digit). */
bool pk_legal_id_valid(const char *utf8);
/* The same for an ID already in its stored form: 11 ASCII digits. */
bool pk_legal_id_digits_valid(const char *ascii);

#endif
