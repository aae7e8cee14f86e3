/* The JavaScript semantics of Math.sign/min/max/pow and of the JS backend's composite functions,
 * so that native results equal the JS oracle's. */
#ifndef NNC_JSMATH_H
#define NNC_JSMATH_H

#include <math.h>

#include "vecmath.h"

static inline double js_sign(double v) { return v > 0 ? 1.0 : v < 0 ? -1.0 : v; }

/* Math.min/Math.max: NaN wins, and -0 is below +0. */
static inline double js_min(double a, double b) {
  if (a != a || b != b) return NAN;
  if (a == b) return signbit(a) ? a : b;
  return a < b ? a : b;
}
static inline double js_max(double a, double b) {
  if (a != a || b != b) return NAN;
  if (a == b) return signbit(a) ? b : a;
  return a > b ? a : b;
}
static inline float js_minf(float a, float b) {
  if (a != a || b != b) return NAN;
  if (a == b) return signbit(a) ? a : b;
  return a < b ? a : b;
}
static inline float js_maxf(float a, float b) {
  if (a != a || b != b) return NAN;
  if (a == b) return signbit(a) ? b : a;
  return a > b ? a : b;
}

/* Math.pow differs from C's pow where C returns 1: pow(1, NaN) and pow(±1, ±Infinity). */
static inline double js_pow(double a, double b) {
  if (b != b) return NAN;
  if (fabs(a) == 1.0 && isinf(b)) return NAN;
  return pow(a, b);
}

/* Python-style remainder as the JS backend computes it (the sign of the divisor). */
static inline double js_mod(double u, double v) { return u - floor(u / v) * v; }

/* The JS backend's two forms (1/(1+e^-v) for v >= 0, e^v/(1+e^v) below), written with one
 * exp(-|v|) so that the loop vectorises; the values are identical. */
static inline double js_sigmoid(double v) {
  const double e = exp(-fabs(v));
  return v >= 0 ? 1.0 / (1.0 + e) : e / (1.0 + e);
}

/* max(v, 0) + log1p(e^-|v|), with Math.max's NaN and -0 rules written as a select so that the loop
 * vectorises: a NaN v makes the log1p term NaN anyway, and -0 gives +0 as Math.max(-0, 0) does. */
static inline double js_softplus(double v) { return (v > 0 ? v : 0.0) + log1p(exp(-fabs(v))); }

#endif
