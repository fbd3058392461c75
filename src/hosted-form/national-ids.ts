/** Checks the national ID formats the hosted form supports; returns false when malformed. */
export function validNationalId(type: string, raw: string): boolean {
  const v = raw.trim();
  const digits = v.replace(/[.\-\s/]/g, "");
  switch (type) {
    case "ID_CPF":
      return validCpf(digits);
    case "ID_CL_RUT":
      return validRut(v);
    case "ID_AR_DNI":
      return /^\d{7,8}$/.test(digits);
    case "ID_PE_DNI":
      return /^\d{8}$/.test(digits);
    case "ID_CO_CC":
      return /^\d{6,10}$/.test(digits);
    case "ID_EC_CI":
      return validEcuadorCi(digits);
    case "ID_MX_RFC":
      return /^[A-ZÑ&]{3,4}\d{6}[A-Z0-9]{3}$/i.test(v.replace(/[\s-]/g, ""));
    default:
      return v !== "";
  }
}

/** Brazilian CPF: 11 digits, two mod-11 check digits, not all equal. */
export function validCpf(digits: string): boolean {
  if (!/^\d{11}$/.test(digits) || /^(\d)\1{10}$/.test(digits)) return false;
  const n = [...digits].map(Number);
  for (const len of [9, 10]) {
    let sum = 0;
    for (let i = 0; i < len; i++) sum += n[i]! * (len + 1 - i);
    const check = ((sum * 10) % 11) % 10;
    if (check !== n[len]) return false;
  }
  return true;
}

/** Chilean RUT: body digits and a mod-11 verifier (0-9 or K), e.g. `12.345.678-5`. */
export function validRut(raw: string): boolean {
  const m = /^(\d{1,3}(?:\.?\d{3}){1,2})-?([\dkK])$/.exec(raw.trim());
  if (!m) return false;
  const body = m[1]!.replace(/\./g, "");
  let sum = 0;
  let factor = 2;
  for (let i = body.length - 1; i >= 0; i--) {
    sum += Number(body[i]) * factor;
    factor = factor === 7 ? 2 : factor + 1;
  }
  const r = 11 - (sum % 11);
  const expected = r === 11 ? "0" : r === 10 ? "K" : String(r);
  return m[2]!.toUpperCase() === expected;
}

/** Ecuadorian cédula: 10 digits, province 01-24 (or 30), mod-10 verifier. */
function validEcuadorCi(d: string): boolean {
  if (!/^\d{10}$/.test(d)) return false;
  const province = Number(d.slice(0, 2));
  if (!((province >= 1 && province <= 24) || province === 30) || Number(d[2]) >= 6) return false;
  let sum = 0;
  for (let i = 0; i < 9; i++) {
    let x = Number(d[i]) * (i % 2 === 0 ? 2 : 1);
    if (x > 9) x -= 9;
    sum += x;
  }
  return (10 - (sum % 10)) % 10 === Number(d[9]);
}
