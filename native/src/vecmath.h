/* Vector maths from glibc's libmvec: declaring the functions with the `simd` attribute lets GCC
 * vectorise loops that call them (8-lane AVX-512 or 4-lane AVX2 versions, accurate to a few ulp in
 * double, so float32 results still round as JS's do). The build defines NNC_LIBMVEC only where
 * linking -lmvec works (x86-64 glibc >= 2.35); elsewhere the scalar libm is used. */
#ifndef NNC_VECMATH_H
#define NNC_VECMATH_H

#include <math.h>

#if defined(NNC_LIBMVEC) && defined(__x86_64__) && defined(__GNUC__)
#define NNC_SIMD __attribute__((__simd__("notinbranch")))
NNC_SIMD extern double exp(double);
NNC_SIMD extern double expm1(double);
NNC_SIMD extern double log(double);
NNC_SIMD extern double log1p(double);
NNC_SIMD extern double sin(double);
NNC_SIMD extern double cos(double);
NNC_SIMD extern double tan(double);
NNC_SIMD extern double tanh(double);
NNC_SIMD extern double erf(double);
NNC_SIMD extern double pow(double, double);
NNC_SIMD extern double atan2(double, double);
NNC_SIMD extern float expf(float);
NNC_SIMD extern float tanhf(float);
#endif

#endif
