/* PC/SC v2 part 10 secure PIN entry: filled in with the PC/SC transport. */
#include "card_internal.h"

bool pk_card_has_pinpad(pk_card *c) {
  (void)c;
  return false;
}

pk_card_status pk_card_verify_pin_pinpad(pk_card *c, int *tries_left) {
  (void)c;
  (void)tries_left;
  return PK_CARD_NOT_SUPPORTED;
}
