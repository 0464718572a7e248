/* `pishkhan queue …`: the outbox for a clerk or a technician, without the UI. */
#ifndef PISHKHAN_QUEUE_CLI_H
#define PISHKHAN_QUEUE_CLI_H

/* argv[0] is "queue". Exit codes: 0 done; 1 something was not done (a row not delivered,
 * a bundle refused); 2 usage; 3 the store or the settings cannot be used. */
int pk_queue_cli(int argc, char **argv);

#endif
