/* Form fields of a service card: what a key may put in a field, whether a value is
 * acceptable (with the message that says what to fix), and the date/choice pickers. */
#ifndef PISHKHAN_FORM_H
#define PISHKHAN_FORM_H
#include <stddef.h>
#include <stdint.h>

#include "pishkhan/catalog.h"

/* NULL when the value is acceptable; else a message (msgid or already in the UI language). */
const char *pk_form_check(const pk_form_field *f, const char *value);
/* The code point to store for a typed cp (digits of any script become ASCII), or 0 to refuse. */
uint32_t pk_form_accept(const pk_form_field *f, uint32_t cp);
/* Date fields: one day later (dir > 0) or earlier, starting from today (now) when empty.
 * Choice fields: the next or previous choice. */
void pk_form_step(const pk_form_field *f, char *value, size_t size, int dir, long long now);

#endif
