// Generates tests/i18n/data/jalali_1300_1500.txt ONCE from an independent implementation
// (jalaali-js, Borkowski's algorithm; weekday from JavaScript's own Date). Kept for review:
//   cd /tmp && npm install jalaali-js@2.0.1 && NODE_PATH=/tmp/node_modules node gen_jalali_table.js > data/jalali_1300_1500.txt
// Line format: JJJJMMDD GGGGMMDD W   (W: 0 = Saturday .. 6 = Friday). One line per Jalali day.
'use strict';
const j = require('jalaali-js');
const pad = (n, w) => String(n).padStart(w, '0');
const out = ['# Jalali->Gregorian for every day 1300/01/01..1500/12/end, from jalaali-js ' +
             require('jalaali-js/package.json').version + '; weekday 0=Saturday'];
for (let jy = 1300; jy <= 1500; jy++) {
  for (let jm = 1; jm <= 12; jm++) {
    const days = j.jalaaliMonthLength(jy, jm);
    for (let jd = 1; jd <= days; jd++) {
      const g = j.toGregorian(jy, jm, jd);
      const back = j.toJalaali(g.gy, g.gm, g.gd);
      if (back.jy !== jy || back.jm !== jm || back.jd !== jd) throw new Error('jalaali-js round trip');
      const wd = (new Date(Date.UTC(g.gy, g.gm - 1, g.gd)).getUTCDay() + 1) % 7;
      out.push(pad(jy, 4) + pad(jm, 2) + pad(jd, 2) + ' ' + pad(g.gy, 4) + pad(g.gm, 2) + pad(g.gd, 2) + ' ' + wd);
    }
  }
}
process.stdout.write(out.join('\n') + '\n');
