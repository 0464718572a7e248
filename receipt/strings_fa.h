/* The Persian wording of the printed receipt and of the verifier, in one table.
 * The receipt is a Persian document whatever the screen language; these move to
 * po/fa.po once the i18n catalogs own print text too. */
#ifndef PK_RECEIPT_STRINGS_FA_H
#define PK_RECEIPT_STRINGS_FA_H

#define FA_HEADING "رسید درخواست خدمت"
#define FA_WINDOW "پنجره ملی خدمات دولت هوشمند"
#define FA_SERVICE "خدمت"
#define FA_SERVICE_ID "شناسه خدمت"
#define FA_AGENCY "دستگاه اجرایی"
#define FA_TRACKING "کد رهگیری"
#define FA_DATE "تاریخ"
#define FA_STATUS "وضعیت"
#define FA_SUBMITTED "ثبت شد"
#define FA_QUEUED "در صف ارسال (بدون اتصال)"
#define FA_QUEUED_NOTE "درخواست شما در این دستگاه ثبت شده و پس از برقراری اتصال به پنجره ملی ارسال می‌شود."
#define FA_AMOUNT "مبلغ"
#define FA_NATIONAL_CODE "کد ملی"
#define FA_KIOSK "شناسه دستگاه"
#define FA_OFFICE "دفتر"
#define FA_SIGNED_WINDOW "امضا شده توسط پنجره ملی"
#define FA_SIGNED_DEVICE "امضا شده توسط دستگاه کیوسک"
#define FA_KEY "کلید"
#define FA_SCAN_HINT "برای بررسی اصالت این رسید، کد زیر را اسکن کنید."

/* verifier */
#define FA_VALID "امضای رسید معتبر است."
#define FA_INVALID "امضای رسید معتبر نیست: این رسید جعلی یا دستکاری‌شده است."
#define FA_UNKNOWN_KEY "کلید امضای این رسید در فهرست کلیدهای معتبر نیست."
#define FA_NOT_RECEIPT "این متن رسید پیشخوان نیست."
#define FA_POLICY "امضا درست است اما محتوای رسید با قواعد مغایر است."
#define FA_NO_INPUT "ورودی خوانده نشد"
#define FA_NO_JWKS "فهرست کلیدها خوانده نشد"
#define FA_REASON "علت"

#endif
