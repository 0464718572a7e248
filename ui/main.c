/* pishkhan: the kiosk and counter client, as installed on a kiosk. A thin tool over
 * libpishkhan; it links no simulator, no virtual card and no demo persona. */
#include "run.h"

int main(int argc, char **argv) { return ui_main(argc, argv, NULL); }
