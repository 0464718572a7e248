/* `pishkhan audit verify|show`: the audit log for an inspector, without the UI. */
#ifndef PISHKHAN_AUDIT_CLI_H
#define PISHKHAN_AUDIT_CLI_H

/* argv[0] is "audit". Exit codes: 0 the log is intact (verify) or was shown; 1 it is not
 * intact; 2 usage, or the log or the JWKS cannot be read. */
int pk_audit_cli(int argc, char **argv);

#endif
