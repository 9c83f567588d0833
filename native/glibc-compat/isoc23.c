/*
 * The three C23 functions glibc 2.38 added that uWebSockets.js registry binaries import
 * (__isoc23_strtol, __isoc23_strtoul, __isoc23_sscanf), for Linux with an older glibc. They differ
 * from the C99 ones only where C23 does: strtol and strtoul also take a "0b"/"0B" prefix with base 0
 * or 2. sscanf forwards to the C99 vsscanf (the binaries parse no binary numbers with it).
 *
 * The gateway loads this file's shared object into the global scope before a uWS.js binary whose
 * GLIBC_2.38 requirement it marked weak (src/gateway/glibc-compat.ts): the dynamic loader then binds
 * those references to these unversioned definitions. It is a Node-API module only so that Node keeps
 * it loaded; its exports (strtol, strtoul, sscanfLong) exist for the unit tests.
 *
 * Built by native/build.rs with -std=c11 and no _GNU_SOURCE, so glibc >= 2.38 headers do not redirect
 * strtol to __isoc23_strtol here.
 */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#define EXPORT __attribute__((visibility("default")))

/*
 * When nptr holds (after white space and a sign) a "0b"/"0B" prefix followed by a binary digit and
 * base is 0 or 2, parses the digits: the magnitude into *magnitude (saturated at ULONG_MAX, with
 * *overflow set), the sign into *negative, the end into *end; returns 1. Otherwise returns 0 and the
 * C99 function applies (which reads "0b..." as 0 followed by "b...", as C23 does without a digit).
 */
static int binary_subject(const char *nptr, int base, unsigned long *magnitude, int *negative, int *overflow, const char **end) {
  if (base != 0 && base != 2) return 0;
  const char *p = nptr;
  while (isspace((unsigned char)*p)) p++;
  *negative = 0;
  if (*p == '+' || *p == '-') *negative = *p++ == '-';
  if (p[0] != '0' || (p[1] != 'b' && p[1] != 'B') || (p[2] != '0' && p[2] != '1')) return 0;
  p += 2;
  unsigned long v = 0;
  *overflow = 0;
  for (; *p == '0' || *p == '1'; p++) {
    if (v > ULONG_MAX >> 1) *overflow = 1;
    v = (v << 1) | (unsigned long)(*p - '0');
  }
  *magnitude = *overflow ? ULONG_MAX : v;
  *end = p;
  return 1;
}

EXPORT long __isoc23_strtol(const char *nptr, char **endptr, int base) {
  unsigned long magnitude;
  int negative, overflow;
  const char *end;
  if (!binary_subject(nptr, base, &magnitude, &negative, &overflow, &end)) return strtol(nptr, endptr, base);
  if (endptr) *endptr = (char *)end;
  unsigned long limit = negative ? (unsigned long)LONG_MAX + 1 : (unsigned long)LONG_MAX;
  if (overflow || magnitude > limit) {
    errno = ERANGE;
    return negative ? LONG_MIN : LONG_MAX;
  }
  if (!negative) return (long)magnitude;
  return magnitude == (unsigned long)LONG_MAX + 1 ? LONG_MIN : -(long)magnitude;
}

EXPORT unsigned long __isoc23_strtoul(const char *nptr, char **endptr, int base) {
  unsigned long magnitude;
  int negative, overflow;
  const char *end;
  if (!binary_subject(nptr, base, &magnitude, &negative, &overflow, &end)) return strtoul(nptr, endptr, base);
  if (endptr) *endptr = (char *)end;
  if (overflow) {
    errno = ERANGE;
    return ULONG_MAX;
  }
  /* As C specifies for strtoul: a minus sign negates the value in the unsigned type. */
  return negative ? -magnitude : magnitude;
}

EXPORT int __isoc23_sscanf(const char *s, const char *format, ...) {
  va_list ap;
  va_start(ap, format);
  int n = vsscanf(s, format, ap);
  va_end(ap);
  return n;
}

/* ---- Node-API glue: the few declarations used, from Node's js_native_api.h (ABI stable). ---- */

typedef struct napi_env__ *napi_env;
typedef struct napi_value__ *napi_value;
typedef struct napi_callback_info__ *napi_callback_info;
typedef int napi_status;
typedef napi_value (*napi_callback)(napi_env env, napi_callback_info info);

extern napi_status napi_get_cb_info(napi_env env, napi_callback_info info, size_t *argc, napi_value *argv, napi_value *this_arg, void **data);
extern napi_status napi_get_value_string_utf8(napi_env env, napi_value value, char *buf, size_t bufsize, size_t *result);
extern napi_status napi_get_value_int32(napi_env env, napi_value value, int32_t *result);
extern napi_status napi_create_int32(napi_env env, int32_t value, napi_value *result);
extern napi_status napi_create_bigint_int64(napi_env env, int64_t value, napi_value *result);
extern napi_status napi_create_bigint_uint64(napi_env env, uint64_t value, napi_value *result);
extern napi_status napi_create_array_with_length(napi_env env, size_t length, napi_value *result);
extern napi_status napi_set_element(napi_env env, napi_value object, uint32_t index, napi_value value);
extern napi_status napi_create_function(napi_env env, const char *utf8name, size_t length, napi_callback cb, void *data, napi_value *result);
extern napi_status napi_set_named_property(napi_env env, napi_value object, const char *utf8name, napi_value value);
extern napi_status napi_throw_error(napi_env env, const char *code, const char *msg);

#define INPUT_MAX 256

/* Reads (string, string-or-int32) arguments; returns 0 and throws when they do not fit. */
static int read_args(napi_env env, napi_callback_info info, char *input, char *format, int32_t *base) {
  size_t argc = 2, len = 0;
  napi_value argv[2];
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != 0 || argc < 2) goto bad;
  if (napi_get_value_string_utf8(env, argv[0], input, INPUT_MAX, &len) != 0 || len >= INPUT_MAX - 1) goto bad;
  if (format) {
    if (napi_get_value_string_utf8(env, argv[1], format, INPUT_MAX, &len) != 0 || len >= INPUT_MAX - 1) goto bad;
  } else if (napi_get_value_int32(env, argv[1], base) != 0) {
    goto bad;
  }
  return 1;
bad:
  napi_throw_error(env, NULL, "expected (input: string, base: number) or (input: string, format: string), strings under 255 bytes");
  return 0;
}

/* [value, characters consumed, errno] as (bigint, number, number). */
static napi_value triple(napi_env env, napi_value value, long consumed, int err) {
  napi_value out, n;
  napi_create_array_with_length(env, 3, &out);
  napi_set_element(env, out, 0, value);
  napi_create_int32(env, (int32_t)consumed, &n);
  napi_set_element(env, out, 1, n);
  napi_create_int32(env, err, &n);
  napi_set_element(env, out, 2, n);
  return out;
}

static napi_value js_strtol(napi_env env, napi_callback_info info) {
  char input[INPUT_MAX];
  int32_t base;
  if (!read_args(env, info, input, NULL, &base)) return NULL;
  char *end;
  errno = 0;
  long v = __isoc23_strtol(input, &end, base);
  int err = errno;
  napi_value value;
  napi_create_bigint_int64(env, v, &value);
  return triple(env, value, end - input, err);
}

static napi_value js_strtoul(napi_env env, napi_callback_info info) {
  char input[INPUT_MAX];
  int32_t base;
  if (!read_args(env, info, input, NULL, &base)) return NULL;
  char *end;
  errno = 0;
  unsigned long v = __isoc23_strtoul(input, &end, base);
  int err = errno;
  napi_value value;
  napi_create_bigint_uint64(env, v, &value);
  return triple(env, value, end - input, err);
}

/* sscanfLong(input, format) with a format converting one long (e.g. "%ld" or "x=%li"): [long, count]. */
static napi_value js_sscanf_long(napi_env env, napi_callback_info info) {
  char input[INPUT_MAX], format[INPUT_MAX];
  if (!read_args(env, info, input, format, NULL)) return NULL;
  long v = 0;
  int n = __isoc23_sscanf(input, format, &v);
  napi_value value;
  napi_create_bigint_int64(env, v, &value);
  return triple(env, value, n, 0);
}

EXPORT napi_value napi_register_module_v1(napi_env env, napi_value exports) {
  static const struct {
    const char *name;
    napi_callback cb;
  } fns[] = {{"strtol", js_strtol}, {"strtoul", js_strtoul}, {"sscanfLong", js_sscanf_long}};
  for (size_t i = 0; i < sizeof fns / sizeof fns[0]; i++) {
    napi_value f;
    napi_create_function(env, fns[i].name, (size_t)-1, fns[i].cb, NULL, &f);
    napi_set_named_property(env, exports, fns[i].name, f);
  }
  return exports;
}
