// Internal to wf_calendar: the Earth's heliocentric position from a truncated
// VSOP87D series. Used by astronomy.cc for the Sun's apparent longitude.

#ifndef ENGINE_CALENDAR_VSOP87_EARTH_H_
#define ENGINE_CALENDAR_VSOP87_EARTH_H_

namespace wf::calendar::astronomy {

// The Earth's heliocentric ecliptic longitude in radians (not reduced to
// 0..2 pi), referred to the mean dynamical ecliptic and equinox of date.
// tau: Julian millennia of Terrestrial Time from J2000.0,
// (JDE - 2451545) / 365250.
double EarthHeliocentricLongitude(double tau);

// The Earth-Sun distance in astronomical units, to about 1e-4 AU.
double EarthSunDistance(double tau);

}  // namespace wf::calendar::astronomy

#endif  // ENGINE_CALENDAR_VSOP87_EARTH_H_
