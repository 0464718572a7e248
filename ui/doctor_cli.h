/* `pishkhan doctor` (ui/doctor_cli.c). */
#ifndef PK_UI_DOCTOR_CLI_H
#define PK_UI_DOCTOR_CLI_H
int ui_doctor_main(int argc, char **argv);
#endif
