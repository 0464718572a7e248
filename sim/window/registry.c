/* The window's registries, as far as the demo needs them: the civil registry (names and
 * birth dates of the demo persons), the register of companies' signatories, and the
 * register of counter clerks and their offices. */
#include <string.h>

#include "sim_internal.h"

static const sim_person persons[] = {
  {"0071234561", "زهرا محمدی", "1370-05-12", "09351234567", "1969833114"},
  {"1234567891", "رضا حسینی", "1362-11-03", "09121234567", "1517954311"},
  {"0512345678", "مریم کریمی", "1358-02-20", "09351112233", ""},
  {"2276543213", "امیر رضایی", "1375-09-08", "", ""},
  {"4701122335", "فاطمه احمدی", "1366-12-29", "09187654329", "7134768551"},
  {"2938475616", "حسین موسوی", "1380-01-01", "", ""},
  {"1122334451", "نرگس جعفری", "1368-04-25", "09121112233", "1433914511"},
};

/* Legal IDs valid by the check-digit rule (pk_legal_id_digits_valid). */
static const sim_signatory signatories[] = {
  {"0071234561", "10380284790", "شرکت نمونه‌سازان پارس"},
  {"0071234561", "10101234565", "شرکت حمل و نقل البرز"},
  {"1234567891", "14109876546", "موسسه خیریه مهر"},
};

static const char *const clerk_permissions[] = {"serve_card", "serve_otp", "serve_level1", "act_for_entity",
                                                "cash_payment", "shift_report", NULL};
static const sim_clerk clerks[] = {
  {"1122334451", "clk-7f3a21", "off-1001", "دفتر پیشخوان خدمات دولت ۱۰۰۱ تهران", clerk_permissions},
};

#define N(a) (sizeof a / sizeof a[0])

const sim_person *sim_person_find(const char *nc) {
  for (size_t i = 0; nc && i < N(persons); i++)
    if (!strcmp(persons[i].nc, nc)) return &persons[i];
  return NULL;
}

const sim_signatory *sim_signatory_at(size_t i) { return i < N(signatories) ? &signatories[i] : NULL; }

const sim_signatory *sim_signatory_find(const char *nc, const char *legal_id) {
  for (size_t i = 0; nc && legal_id && i < N(signatories); i++)
    if (!strcmp(signatories[i].nc, nc) && !strcmp(signatories[i].legal_id, legal_id)) return &signatories[i];
  return NULL;
}

const sim_clerk *sim_clerk_by_nc(const char *nc) {
  for (size_t i = 0; nc && i < N(clerks); i++)
    if (!strcmp(clerks[i].nc, nc)) return &clerks[i];
  return NULL;
}

const sim_clerk *sim_clerk_by_id(const char *id) {
  for (size_t i = 0; id && i < N(clerks); i++)
    if (!strcmp(clerks[i].clerk_id, id)) return &clerks[i];
  return NULL;
}
