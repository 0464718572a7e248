/* pishkhan-pos-sim's scenarios, and the per-sale script that overrides the amount's choice. */
#ifndef PK_POS_SIM_SCRIPT_H
#define PK_POS_SIM_SCRIPT_H
#include <stdbool.h>
#include <stdint.h>

enum { APPROVE, DECLINE, NO_FUNDS, CARD_REMOVED, TIMEOUT_BEFORE, TIMEOUT_AFTER, LOST, DUPLICATED, SLOW, FULL_PAN,
       BAD_BYTES, SCENARIOS };

/* Takes a comma-separated list of scenario names ("decline,approve"); 0, or -1 naming an
 * unknown one on stderr. */
int pos_script_set(const char *list);
/* The scenario of a sale the terminal has not seen: the script's next entry while it lasts,
 * then the amount's (mod 100). Called under the simulator's lock. */
int pos_script_take(int64_t amount);
/* on: the script starts again after its last entry (a day of mixed answers), never the amount's. */
void pos_script_cycle(bool on);
/* "approve, decline, ..." in the enum's order, for the usage text. */
const char *pos_script_names(void);

#endif
