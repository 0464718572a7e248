# The demo citizen (PIN 1234) signs in, sends «صدور گواهی عدم سوء پیشینه», sees it recorded,
# and the kiosk is quit with F10 (it writes what it keeps at exit). For the fleet's tests.
demo_citizen_submits_and_quits() {
  demo_sign_in
  keys 1
  wait_for "$(visual 'جستجو:')"
  keys -l 'سوء پيشينه'
  wait_for "$(visual 'صدور گواهی عدم سوء پیشینه')"
  keys Enter
  wait_for "$(visual 'هزینه:')"
  keys Enter
  wait_for "$(visual 'ثبت‌شده در پنجره ملی')"   # the mobile on file; the card gave the rest: nothing asked
  keys Enter
  wait_for "$(visual 'لطفاً پیش از ارسال، درخواست خود را بررسی کنید.')"
  keys Enter
  wait_for "$(visual 'درخواست شما ثبت شد.')" 15000
  keys F10
  for _ in $(seq 200); do [ -f "$WORK/exit" ] && break; sleep 0.05; done
}
