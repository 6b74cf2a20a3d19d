#include "engine/calendar/astronomy.h"

#include <cmath>
#include <cstddef>
#include <initializer_list>
#include <iterator>

#include "engine/calendar/vsop87_earth.h"

namespace wf::calendar::astronomy {
namespace {

constexpr double kPi = 3.14159265358979323846;
constexpr double kDegree = kPi / 180;
constexpr double kArcsecond = 1.0 / 3600;  // In degrees.
constexpr double kDaysPerJulianYear = 365.25;
constexpr double kMeanSynodicMonth = 29.530588861;  // Days (Meeus 49.1).
constexpr double kMeanTropicalYear = 365.242189;    // Days.

double SinDeg(double degrees) { return std::sin(degrees * kDegree); }

// Reduces an angle in degrees to [0, 360).
double Normalize360(double degrees) {
  double r = std::fmod(degrees, 360.0);
  return r < 0 ? r + 360 : r;
}

// Reduces an angle in degrees to [-180, 180).
double Normalize180(double degrees) {
  return Normalize360(degrees + 180) - 180;
}

// c[0] + c[1] t + c[2] t^2 + ...
double Polynomial(double t, std::initializer_list<double> c) {
  double sum = 0;
  for (auto it = c.end(); it != c.begin();) sum = sum * t + *--it;
  return sum;
}

// Espenak & Meeus (2006), ΔT in seconds, by decimal year. Each piece is a
// polynomial in years from its own epoch; the pieces join within a fraction
// of a second. From 2150 their long-term parabola; we also use it before
// 1600 (where they have further pieces), far outside the calendar's years.
double DeltaTPolynomial(double y) {
  const double u = (y - 1820) / 100;
  if (y < 1600 || y >= 2150) return -20 + 32 * u * u;
  if (y < 1700)
    return Polynomial(y - 1600, {120, -0.9808, -0.01532, 1 / 7129.0});
  if (y < 1800) {
    return Polynomial(y - 1700,
                      {8.83, 0.1603, -0.0059285, 0.00013336, -1 / 1174000.0});
  }
  if (y < 1860) {
    return Polynomial(y - 1800,
                      {13.72, -0.332447, 0.0068612, 0.0041116, -0.00037436,
                       0.0000121272, -0.0000001699, 0.000000000875});
  }
  if (y < 1900) {
    return Polynomial(y - 1860, {7.62, 0.5737, -0.251754, 0.01680668,
                                 -0.0004473624, 1 / 233174.0});
  }
  if (y < 1920) {
    return Polynomial(y - 1900,
                      {-2.79, 1.494119, -0.0598939, 0.0061966, -0.000197});
  }
  if (y < 1941) {
    return Polynomial(y - 1920, {21.20, 0.84493, -0.076100, 0.0020936});
  }
  if (y < 1961) {
    return Polynomial(y - 1950, {29.07, 0.407, -1 / 233.0, 1 / 2547.0});
  }
  if (y < 1986) {
    return Polynomial(y - 1975, {45.45, 1.067, -1 / 260.0, -1 / 718.0});
  }
  if (y < 2005) {
    return Polynomial(y - 2000, {63.86, 0.3345, -0.060374, 0.0017275,
                                 0.000651814, 0.00002373599});
  }
  if (y < 2050) return Polynomial(y - 2000, {62.92, 0.32217, 0.005589});
  return -20 + 32 * u * u - 0.5628 * (2150 - y);
}

double DecimalYear(double jd) {
  return 2000 + (jd - kJ2000) / kDaysPerJulianYear;
}

// The IAU 1980 nutation in longitude (Meeus table 22.A), its 26 largest
// terms, down to 0.0022". The 80 left out are each smaller, a few
// thousandths of an arcsecond in all: under 0.1 s in a solar term.
struct NutationTerm {
  signed char d, m, mp, f, om;  // Multiples of the fundamental arguments.
  double psi;                   // 0.0001" ...
  double psi_t;                 // ... plus this times T.
};
constexpr NutationTerm kNutation[] = {
    {0, 0, 0, 0, 1, -171996, -174.2}, {-2, 0, 0, 2, 2, -13187, -1.6},
    {0, 0, 0, 2, 2, -2274, -0.2},     {0, 0, 0, 0, 2, 2062, 0.2},
    {0, 1, 0, 0, 0, 1426, -3.4},      {0, 0, 1, 0, 0, 712, 0.1},
    {-2, 1, 0, 2, 2, -517, 1.2},      {0, 0, 0, 2, 1, -386, -0.4},
    {0, 0, 1, 2, 2, -301, 0},         {-2, -1, 0, 2, 2, 217, -0.5},
    {-2, 0, 1, 0, 0, -158, 0},        {-2, 0, 0, 2, 1, 129, 0.1},
    {0, 0, -1, 2, 2, 123, 0},         {2, 0, 0, 0, 0, 63, 0},
    {0, 0, 1, 0, 1, 63, 0.1},         {2, 0, -1, 2, 2, -59, 0},
    {0, 0, -1, 0, 1, -58, -0.1},      {0, 0, 1, 2, 1, -51, 0},
    {-2, 0, 2, 0, 0, 48, 0},          {0, 0, -2, 2, 1, 46, 0},
    {2, 0, 0, 2, 2, -38, 0},          {0, 0, 2, 2, 2, -31, 0},
    {0, 0, 2, 0, 0, 29, 0},           {-2, 0, 1, 2, 2, 29, 0},
    {0, 0, 0, 2, 0, 26, 0},           {-2, 0, 0, 2, 0, -22, 0},
};

// Nutation in longitude, degrees. T: Julian centuries TT from J2000.
double NutationInLongitude(double t) {
  const double t2 = t * t, t3 = t2 * t;
  const double d = 297.85036 + 445267.111480 * t - 0.0019142 * t2 + t3 / 189474;
  const double m = 357.52772 + 35999.050340 * t - 0.0001603 * t2 - t3 / 300000;
  const double mp = 134.96298 + 477198.867398 * t + 0.0086972 * t2 + t3 / 56250;
  const double f = 93.27191 + 483202.017538 * t - 0.0036825 * t2 + t3 / 327270;
  const double om = 125.04452 - 1934.136261 * t + 0.0020708 * t2 + t3 / 450000;
  double psi = 0;  // 0.0001"
  for (const NutationTerm& n : kNutation) {
    const double arg = n.d * d + n.m * m + n.mp * mp + n.f * f + n.om * om;
    psi += (n.psi + n.psi_t * t) * SinDeg(arg);
  }
  return psi * 0.0001 * kArcsecond;
}

// Meeus table 49.A, new moon column: (coefficient in days, multiples of
// M', M, F, Omega, power of E).
struct PhaseTerm {
  double days;
  signed char mp, m, f, om, e;
};
constexpr PhaseTerm kNewMoon[] = {
    {-0.40720, 1, 0, 0, 0, 0},   {0.17241, 0, 1, 0, 0, 1},
    {0.01608, 2, 0, 0, 0, 0},    {0.01039, 0, 0, 2, 0, 0},
    {0.00739, 1, -1, 0, 0, 1},   {-0.00514, 1, 1, 0, 0, 1},
    {0.00208, 0, 2, 0, 0, 2},    {-0.00111, 1, 0, -2, 0, 0},
    {-0.00057, 1, 0, 2, 0, 0},   {0.00056, 2, 1, 0, 0, 1},
    {-0.00042, 3, 0, 0, 0, 0},   {0.00042, 0, 1, 2, 0, 1},
    {0.00038, 0, 1, -2, 0, 1},   {-0.00024, 2, -1, 0, 0, 1},
    {-0.00017, 0, 0, 0, 1, 0},   {-0.00007, 1, 2, 0, 0, 0},
    {0.00004, 2, 0, -2, 0, 0},   {0.00004, 0, 3, 0, 0, 0},
    {0.00003, 1, 1, -2, 0, 0},   {0.00003, 2, 0, 2, 0, 0},
    {-0.00003, 1, 1, 2, 0, 0},   {0.00003, 1, -1, 2, 0, 0},
    {-0.00002, 1, -1, -2, 0, 0}, {-0.00002, 3, 1, 0, 0, 0},
    {0.00002, 4, 0, 0, 0, 0},
};

// Meeus 49, the planetary arguments A1..A14: (coefficient in days, the
// argument's value at k = 0 and its rate per lunation). A1 also has a T^2
// term, added where it is used.
struct PlanetaryTerm {
  double days, a0, per_k;
};
constexpr PlanetaryTerm kPlanetary[] = {
    {0.000325, 299.77, 0.107408},  {0.000165, 251.88, 0.016321},
    {0.000164, 251.83, 26.651886}, {0.000126, 349.42, 36.412478},
    {0.000110, 84.66, 18.206239},  {0.000062, 141.74, 53.303771},
    {0.000060, 207.14, 2.453732},  {0.000056, 154.84, 7.306860},
    {0.000047, 34.52, 27.261239},  {0.000042, 207.19, 0.121824},
    {0.000040, 291.34, 1.844379},  {0.000037, 161.72, 24.198154},
    {0.000035, 239.56, 25.513099}, {0.000023, 331.55, 3.592518},
};

}  // namespace

double DeltaTSeconds(double decimal_year) {
  return DeltaTPolynomial(decimal_year);
}

double JdeToJdUt(double jde) {
  return jde - DeltaTSeconds(DecimalYear(jde)) / 86400;
}

double NewMoonJde(int k) {
  const double t = k / 1236.85;  // Julian centuries from J2000, roughly.
  const double t2 = t * t, t3 = t2 * t, t4 = t3 * t;
  // The mean new moon (49.1), then the periodic terms for the true one.
  double jde = 2451550.09766 + kMeanSynodicMonth * k + 0.00015437 * t2 -
               0.000000150 * t3 + 0.00000000073 * t4;
  const double e = 1 - 0.002516 * t - 0.0000074 * t2;
  const double m = 2.5534 + 29.10535670 * k - 0.0000014 * t2 - 0.00000011 * t3;
  const double mp = 201.5643 + 385.81693528 * k + 0.0107582 * t2 +
                    0.00001238 * t3 - 0.000000058 * t4;
  const double f = 160.7108 + 390.67050284 * k - 0.0016118 * t2 -
                   0.00000227 * t3 + 0.000000011 * t4;
  const double om =
      124.7746 - 1.56375588 * k + 0.0020672 * t2 + 0.00000215 * t3;
  for (const PhaseTerm& p : kNewMoon) {
    const double factor = p.e == 0 ? 1 : p.e == 1 ? e : e * e;
    jde += p.days * factor * SinDeg(p.mp * mp + p.m * m + p.f * f + p.om * om);
  }
  for (size_t i = 0; i < std::size(kPlanetary); ++i) {
    const PlanetaryTerm& p = kPlanetary[i];
    const double a1_t2 = i == 0 ? -0.009173 * t2 : 0;
    jde += p.days * SinDeg(p.a0 + p.per_k * k + a1_t2);
  }
  return jde;
}

double SunApparentLongitude(double jde) {
  const double tau = (jde - kJ2000) / 365250;
  const double t = tau * 10;
  // Geocentric = heliocentric + 180 degrees; then VSOP87's dynamical frame to
  // FK5 (Meeus 32.3; the latitude term is below 0.0001"), nutation and
  // aberration (Meeus 25.10).
  const double geometric = EarthHeliocentricLongitude(tau) / kDegree + 180;
  const double fk5 = -0.09033 * kArcsecond;
  const double aberration = -20.4898 * kArcsecond / EarthSunDistance(tau);
  return Normalize360(geometric + fk5 + NutationInLongitude(t) + aberration);
}

double SunReachesLongitude(double longitude, double jde_guess) {
  // Newton's method with the mean rate of the Sun: the true rate differs by
  // at most 3.4%, so each step gains a factor of 30 and five steps take a
  // guess a month out to a millisecond.
  constexpr double kDegreesPerDay = 360 / kMeanTropicalYear;
  double jde = jde_guess;
  for (int i = 0; i < 12; ++i) {
    const double step =
        Normalize180(longitude - SunApparentLongitude(jde)) / kDegreesPerDay;
    jde += step;
    if (std::fabs(step) < 1e-8) break;
  }
  return jde;
}

}  // namespace wf::calendar::astronomy
