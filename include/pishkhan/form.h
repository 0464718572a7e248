/* Form fields of a service card: what a key may put in a field, whether a value is
 * acceptable (with the message that says what to fix), and the date/choice pickers. */
#ifndef PISHKHAN_FORM_H
#define PISHKHAN_FORM_H
#include <stddef.h>
#include <stdint.h>

#include "pishkhan/catalog.h"

/* NULL when the value is acceptable; else a message (msgid or already in the UI language).
 * Dates are checked by what the field means, judged from its name since the contract carries
 * no meaning: a birth date is not after today (now), a validity/expiry date not before it. */
const char *pk_form_check(const pk_form_field *f, const char *value, long long now);
/* The code point to store for a typed cp (digits of any script become ASCII), or 0 to refuse. */
uint32_t pk_form_accept(const pk_form_field *f, uint32_t cp);
/* A date as the window takes it: yyyy/mm/dd, from any way it was typed, digits alone included
 * (yyyymmdd, or yymmdd when only one century fits the field's meaning). Else left as typed. */
void pk_form_tidy(const pk_form_field *f, char *value, size_t size, long long now);

typedef enum { PK_STEP_DAY, PK_STEP_MONTH, PK_STEP_YEAR } pk_step_unit;
/* Date fields: one day, month or year later (dir > 0) or earlier, starting from today (now)
 * when empty. Choice fields: the next or previous choice (unit ignored). */
void pk_form_step(const pk_form_field *f, char *value, size_t size, int dir, pk_step_unit unit, long long now);
/* On a date field holding a whole date (or nothing), + and - step the year: +1/-1. Else 0 (a
 * '-' while typing separates year, month and day). */
int pk_form_year_key(const pk_form_field *f, const char *value, uint32_t cp);

#endif
