/* A small buffer for secrets (the PIN): locked in RAM, excluded from core dumps,
 * wiped with explicit_bzero on every clear and on free. Never copy its bytes out
 * except into the APDU buffer that is itself wiped after use. */
#ifndef PISHKHAN_SECRET_H
#define PISHKHAN_SECRET_H
#include <stddef.h>
#include <stdint.h>

typedef struct pk_secret pk_secret;

pk_secret *pk_secret_new(size_t capacity);
void pk_secret_free(pk_secret *s);            /* wipes first */
void pk_secret_clear(pk_secret *s);           /* wipes, length 0 */
int pk_secret_push(pk_secret *s, uint8_t b);  /* -1 when full */
void pk_secret_pop(pk_secret *s);
size_t pk_secret_len(const pk_secret *s);
const uint8_t *pk_secret_data(const pk_secret *s);

/* Wipe any buffer (a thin wrapper so every wipe is greppable). */
void pk_wipe(void *p, size_t n);

/* Memory that may have held personal data, given back wiped. The block's size comes from the
 * allocator, so blocks allocated before a library was switched to these are freed alike. */
void pk_free_wiped(void *p);
void *pk_realloc_wiped(void *p, size_t n);
/* The same over any underlying allocator (the kiosk's process-wide free/realloc wrap libc's
 * own): growing moves the data and frees the old block through release, which must wipe it;
 * shrinking keeps the block, so no tail is handed back unwiped. */
void pk_wipe_block(void *p);
void *pk_realloc_moving(void *p, size_t n, void *(*alloc)(size_t), void (*release)(void *));

#endif
