/* Deterministic catalog generator: flagship services first, then subject x verb x audience
 * combinations spread over every agency, until the requested size is reached. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "sim_internal.h"

static uint64_t mix(uint64_t *st) {
  uint64_t z = (*st += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

static json_t *field(const char *name, const char *type, const char *fa, const char *en, int req) {
  return json_pack("{s:s, s:s, s:s, s:s, s:b}", "name", name, "type", type, "label_fa", fa, "label_en", en,
                   "required", req);
}

/* The field means something the state knows of the applicant: the kiosk fills it. */
static json_t *known(json_t *f, const char *what) {
  json_object_set_new(f, "prefill", json_string(what));
  return f;
}

static json_t *lenf(json_t *f, int min, int max) {
  json_object_set_new(f, "min_length", json_integer(min));
  json_object_set_new(f, "max_length", json_integer(max));
  return f;
}

static json_t *choice(const char *name, const char *fa, const char *en, const char *const *vals, size_t n) {
  json_t *f = field(name, "choice", fa, en, 1), *a = json_array();
  for (size_t i = 0; i + 2 < n; i += 3)
    json_array_append_new(a, json_pack("{s:s, s:s, s:s}", "value", vals[i], "label_fa", vals[i + 1],
                                       "label_en", vals[i + 2]));
  json_object_set_new(f, "choices", a);
  return f;
}

static json_t *amount(const char *name, const char *fa, const char *en, json_int_t min, json_int_t max) {
  json_t *f = field(name, "amount", fa, en, 1);
  json_object_set_new(f, "min", json_integer(min));
  json_object_set_new(f, "max", json_integer(max));
  return f;
}

static const char *const person_type[] = {"individual", "حقیقی", "Individual", "legal", "حقوقی", "Legal entity"};
static const char *const reasons[] = {"first", "صدور اول", "First issue", "lost", "مفقودی", "Lost",
                                      "damaged", "خرابی", "Damaged", "renew", "تعویض", "Replacement"};
static const char *const grades[] = {"1", "پایه اول", "Grade 1", "6", "پایه ششم", "Grade 6",
                                     "9", "پایه نهم", "Grade 9", "12", "پایه دوازدهم", "Grade 12"};
static const char *const years[] = {"1403-1404", "سال تحصیلی ۱۴۰۳-۱۴۰۴", "School year 1403-1404",
                                    "1402-1403", "سال تحصیلی ۱۴۰۲-۱۴۰۳", "School year 1402-1403"};
static const char *const relations[] = {"child", "فرزند", "Child", "spouse", "همسر", "Spouse",
                                        "parent", "والدین", "Parent"};
static const char *const vehicles[] = {"car", "سواری", "Car", "motorcycle", "موتورسیکلت", "Motorcycle",
                                       "truck", "باری", "Truck"};

static json_t *province_choice(void) {
  json_t *f = field("province", "choice", "استان", "Province", 1), *a = json_array();
  for (size_t i = 0; i < sim_nprovinces; i++)
    json_array_append_new(a, json_pack("{s:s, s:s, s:s}", "value", sim_provinces[i].fa, "label_fa",
                                       sim_provinces[i].en, "label_en", sim_provinces[i].fa));
  json_object_set_new(f, "choices", a);
  return f;
}

#define N3(a) (sizeof(a) / sizeof(a[0]))

static json_t *make_form(sim_form_kind k) {
  json_t *fs = json_array();
  json_array_append_new(fs, known(field("national_code", "national_code", "کد ملی متقاضی", "Applicant's national code", 1),
                                  "national_code"));
  json_array_append_new(fs, known(field("mobile", "mobile", "شماره تلفن همراه", "Mobile number", 1), "mobile"));
  switch (k) {
  case SIM_FORM_BASIC:
    json_array_append_new(fs, known(field("birth_date", "jalali_date", "تاریخ تولد", "Date of birth", 1), "birth_date"));
    break;
  case SIM_FORM_TAX:
    json_array_append_new(fs, choice("taxpayer_type", "نوع مودی", "Taxpayer type", person_type, N3(person_type)));
    json_array_append_new(fs, field("postal_code", "postal_code", "کد پستی محل فعالیت", "Postal code of the business", 1));
    json_array_append_new(fs, lenf(field("tax_file_no", "digits", "شماره پرونده مالیاتی", "Tax file number", 0), 8, 12));
    break;
  case SIM_FORM_VEHICLE:
    json_array_append_new(fs, choice("vehicle_type", "نوع وسیله نقلیه", "Vehicle type", vehicles, N3(vehicles)));
    json_array_append_new(fs, lenf(field("plate", "text", "شماره پلاک", "Plate number", 1), 6, 20));
    break;
  case SIM_FORM_PAYMENT:
    json_array_append_new(fs, lenf(field("bill_id", "digits", "شناسه قبض", "Bill identifier", 1), 6, 13));
    json_array_append_new(fs, amount("amount", "مبلغ (ریال)", "Amount (rials)", 10000, 50000000000LL));
    break;
  case SIM_FORM_BANK:
    json_array_append_new(fs, lenf(field("iban", "text", "شماره شبا", "IBAN", 1), 26, 26));
    json_array_append_new(fs, known(field("postal_code", "postal_code", "کد پستی", "Postal code", 1), "postal_code"));
    break;
  case SIM_FORM_FAMILY:
    json_array_append_new(fs, field("member_national_code", "national_code", "کد ملی فرد", "Member's national code", 1));
    json_array_append_new(fs, field("member_birth_date", "jalali_date", "تاریخ تولد فرد", "Member's date of birth", 1));
    json_array_append_new(fs, choice("relation", "نسبت", "Relation", relations, N3(relations)));
    break;
  case SIM_FORM_STUDENT:
    json_array_append_new(fs, field("student_national_code", "national_code", "کد ملی دانش‌آموز", "Student's national code", 1));
    json_array_append_new(fs, choice("grade", "پایه تحصیلی", "Grade", grades, N3(grades)));
    json_array_append_new(fs, choice("school_year", "سال تحصیلی", "School year", years, N3(years)));
    break;
  case SIM_FORM_CUSTOMS:
    json_array_append_new(fs, lenf(field("declaration_no", "digits", "شماره کوتاژ", "Declaration number", 1), 6, 12));
    json_array_append_new(fs, amount("goods_value", "ارزش کالا (ریال)", "Value of goods (rials)", 1, 900000000000LL));
    break;
  case SIM_FORM_JUDICIAL:
    json_array_append_new(fs, lenf(field("case_no", "digits", "شماره پرونده", "Case number", 1), 16, 18));
    json_array_append_new(fs, lenf(field("description", "text", "شرح درخواست", "Description", 1), 10, 1000));
    break;
  case SIM_FORM_IDCARD:
    json_array_append_new(fs, field("birth_date", "jalali_date", "تاریخ تولد", "Date of birth", 1));
    json_array_append_new(fs, field("postal_code", "postal_code", "کد پستی محل سکونت", "Home postal code", 1));
    json_array_append_new(fs, choice("reason", "علت درخواست", "Reason", reasons, N3(reasons)));
    break;
  case SIM_FORM_LICENSE:
    json_array_append_new(fs, lenf(field("licence_no", "digits", "شماره پروانه", "Licence number", 0), 6, 10));
    json_array_append_new(fs, province_choice());
    json_array_append_new(fs, field("postal_code", "postal_code", "کد پستی", "Postal code", 1));
    break;
  case SIM_FORM_PROPERTY:
    json_array_append_new(fs, lenf(field("registry_plate", "text", "پلاک ثبتی", "Registry plate", 1), 3, 30));
    json_array_append_new(fs, field("postal_code", "postal_code", "کد پستی ملک", "Property postal code", 1));
    json_array_append_new(fs, province_choice());
    break;
  case SIM_FORM_COMPANY:
    json_array_append_new(fs, lenf(field("company_id", "digits", "شناسه ملی شخص حقوقی", "Company national ID", 1), 11, 11));
    json_array_append_new(fs, field("postal_code", "postal_code", "کد پستی", "Postal code", 1));
    json_array_append_new(fs, choice("applicant_type", "نوع متقاضی", "Applicant type", person_type, N3(person_type)));
    break;
  case SIM_FORM_ADDRESS:
    json_array_append_new(fs, field("postal_code", "postal_code", "کد پستی", "Postal code", 1));
    json_array_append_new(fs, lenf(field("address", "text", "نشانی", "Address", 1), 10, 250));
    break;
  }
  return fs;
}

static const sim_verb_def *verbs_for(char kind) {
  switch (kind) {
  case 'd': return sim_verbs_d;
  case 'r': return sim_verbs_r;
  case 'q': return sim_verbs_q;
  default: return sim_verbs_l;
  }
}

static const char *agency_name(const char *id, bool en) {
  for (size_t i = 0; i < sim_nagencies; i++)
    if (!strcmp(sim_agencies[i].id, id)) return en ? sim_agencies[i].en : sim_agencies[i].fa;
  return "";
}

typedef struct {
  json_t *services;
  int *counts; /* per agency, for ids */
  uint64_t st;
  int n, total;
} gen_ctx;

static size_t agency_index(const char *id) {
  for (size_t i = 0; i < sim_nagencies; i++)
    if (!strcmp(sim_agencies[i].id, id)) return i;
  return 0;
}

/* A service's documents: each at most once, and a payment slip only where there is a fee. */
static json_t *documents(uint64_t r, json_int_t fee) {
  json_t *docs = json_array();
  bool taken[32] = {0};
  size_t nd = 1 + (r >> 8) % 3;
  for (size_t i = 0; i < nd; i++) {
    size_t k = (size_t)(((r >> (12 + 4 * i)) + i) % sim_ndocuments), tries = 0;
    while ((taken[k] || (!fee && !strcmp(sim_documents[k].en, "Payment slip"))) && ++tries < sim_ndocuments)
      k = (k + 1) % sim_ndocuments;
    if (tries == sim_ndocuments) break;
    taken[k] = true;
    json_array_append_new(docs, json_pack("{s:s, s:s}", "fa", sim_documents[k].fa, "en", sim_documents[k].en));
  }
  return docs;
}

static void add_service(gen_ctx *g, const char *agency, const char *fa, const char *en, int level,
                        sim_form_kind form, int proactive, int flagship) {
  size_t ai = agency_index(agency);
  char id[48];
  snprintf(id, sizeof id, "%s-%04d", agency, ++g->counts[ai]);
  uint64_t r = mix(&g->st);
  /* Exactly 500 smart services for 5,240: a bijective stride over the index. */
  int smart = flagship || (int)(((uint64_t)g->n * 7919u) % (uint64_t)g->total) < 500 - (int)sim_nflagships;
  if (level <= 0) level = 1 + (int)(r % 3);
  char dfa[2048], den[2048];
  snprintf(dfa, sizeof dfa, "خدمت «%s» توسط %s ارائه می‌شود.%s", fa, agency_name(agency, false),
           smart ? " این خدمت هوشمند است و نیازی به ارائه مدرک یا مراجعه حضوری ندارد." : "");
  snprintf(den, sizeof den, "The service \"%s\" is provided by the %s.%s", en, agency_name(agency, true),
           smart ? " It is a smart service: no documents and no visit needed." : "");
  json_int_t fee = ((r >> 24) % 4 == 0) ? (json_int_t)(((r >> 28) % 40) + 1) * 50000 : 0;
  json_t *docs = smart ? json_array() : documents(r, fee);
  json_t *ch = json_pack("[s, s]", "kiosk", "web");
  if ((r >> 20) & 1) json_array_append_new(ch, json_string("counter"));
  if ((r >> 21) & 1) json_array_append_new(ch, json_string("app"));
  /* A request can wait in a queue; an inquiry, a view or a payment needs the window's answer now. */
  bool live = fee || form == SIM_FORM_PAYMENT || !strncmp(fa, "استعلام", strlen("استعلام")) ||
              !strncmp(fa, "مشاهده", strlen("مشاهده")) || !strncmp(fa, "پیگیری", strlen("پیگیری"));
  json_t *svc = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:i, s:b, s:b, s:b, s:o, s:I, s:o, s:{s:o}, s:i}",
                          "id", id, "agency_id", agency, "title_fa", fa, "title_en", en,
                          "description_fa", dfa, "description_en", den, "auth_level", level,
                          "smart", smart, "proactive", proactive, "offline_capable", !live,
                          "channels", ch, "fee_rials", fee, "documents", docs, "form", "fields", make_form(form),
                          "rev", 1);
  json_array_append_new(g->services, svc);
  g->n++;
}

static void generate(gen_ctx *g) {
  for (size_t i = 0; i < sim_nflagships && g->n < g->total; i++) {
    const sim_flagship_def *f = &sim_flagships[i];
    add_service(g, f->agency, f->fa, f->en, f->level, f->form, f->proactive, 1);
  }
  for (size_t q = 0; q < sim_nqualifiers && g->n < g->total; q++)
    for (size_t v = 0; v < sim_nverbs && g->n < g->total; v++)
      for (size_t s = 0; s < sim_nsubjects && g->n < g->total; s++) {
        const sim_subject_def *sd = &sim_subjects[s];
        const sim_verb_def *vb = &verbs_for(sd->kind)[v];
        char fa[384], en[384];
        snprintf(fa, sizeof fa, "%s %s%s", vb->fa, sd->fa, sim_qualifiers[q].fa);
        snprintf(en, sizeof en, "%s %s%s", vb->en, sd->en, sim_qualifiers[q].en);
        add_service(g, sd->agency, fa, en, 0, sd->form, 0, 0);
      }
}

static int gzip_buf(const char *in, size_t len, unsigned char **out, size_t *outlen) {
  z_stream z;
  memset(&z, 0, sizeof z);
  if (deflateInit2(&z, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK) return -1;
  size_t cap = deflateBound(&z, len);
  *out = malloc(cap);
  if (!*out) { deflateEnd(&z); return -1; }
  z.next_in = (unsigned char *)in;
  z.avail_in = (uInt)len;
  z.next_out = *out;
  z.avail_out = (uInt)cap;
  int rc = deflate(&z, Z_FINISH);
  *outlen = z.total_out;
  deflateEnd(&z);
  return rc == Z_STREAM_END ? 0 : -1;
}

int sim_catalog_build(sim_catalog *c, unsigned seed, int nservices, long version) {
  memset(c, 0, sizeof *c);
  if (nservices <= 0) nservices = 5240;
  gen_ctx g = {.services = json_array(), .counts = calloc(sim_nagencies, sizeof(int)),
               .st = seed ? seed : 1404, .total = nservices};
  if (!g.counts) return -1;
  generate(&g);
  json_t *ags = json_array();
  for (size_t i = 0; i < sim_nagencies; i++)
    json_array_append_new(ags, json_pack("{s:s, s:s, s:s, s:i}", "id", sim_agencies[i].id, "name_fa",
                                         sim_agencies[i].fa, "name_en", sim_agencies[i].en, "service_count",
                                         g.counts[i]));
  free(g.counts);
  c->version = version;
  c->root = json_pack("{s:i, s:o, s:o}", "version", (json_int_t)version, "agencies", ags, "services", g.services);
  c->by_id = json_object();
  size_t i;
  json_t *svc;
  json_array_foreach(g.services, i, svc)
    json_object_set(c->by_id, json_string_value(json_object_get(svc, "id")), svc);
  c->body = json_dumps(c->root, JSON_COMPACT);
  if (!c->body) return -1;
  c->body_len = strlen(c->body);
  snprintf(c->etag, sizeof c->etag, "\"c%ld-%08lx\"", version,
           (unsigned long)crc32(0, (const unsigned char *)c->body, (uInt)c->body_len));
  return gzip_buf(c->body, c->body_len, &c->gz, &c->gz_len);
}

void sim_catalog_free(sim_catalog *c) {
  json_decref(c->by_id);
  json_decref(c->root);
  free(c->body);
  free(c->gz);
  memset(c, 0, sizeof *c);
}
