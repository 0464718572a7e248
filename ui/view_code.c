#include "view_code.h"

#include "pishkhan/i18n.h"

/* Below 12 digits a code (the kiosk's 10-digit queue reference) is short enough to read at once. */
char *ui_code_groups(const char *code) { return pk_code_groups(code, 12); }
