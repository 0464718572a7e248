/* Codes a citizen reads aloud or types back. */
#ifndef PK_UI_VIEW_CODE_H
#define PK_UI_VIEW_CODE_H

/* A long all-digit code (the window's 16-digit tracking code) in groups of four, the way it is
 * read over a phone: "1457 1435 8248 7267". Shorter codes and others come back as they are.
 * malloc'd; NULL only when out of memory. */
char *ui_code_groups(const char *code);

#endif
