// Internal to wf_calendar: the astronomy the lunar calendar (lunar.h) needs,
// the instants of new moons and of the Sun reaching a given longitude.
//
// Times are Julian Ephemeris Days (JDE, Terrestrial Time) unless a name says
// UT. Sources, all published and implemented here from their equations:
//   * new moons: Jean Meeus, Astronomical Algorithms, 2nd ed. (1998), ch. 49,
//     the full series with its planetary arguments (a few seconds);
//   * the Sun: VSOP87D (vsop87_earth.h) to the FK5 frame, plus the nutation
//     in longitude (IAU 1980, its largest terms, Meeus ch. 22) and the annual
//     aberration (Meeus ch. 25): well under 1", i.e. under 25 s of time;
//   * ΔT = TT - UT: Espenak & Meeus's polynomials (NASA, "Five Millennium
//     Canon of Solar Eclipses", 2006), fitted to observations up to 2005 and
//     extrapolated after. The extrapolation is the largest error in the
//     future: about 5 s too large today, and unknown by minutes near 2200.

#ifndef ENGINE_CALENDAR_ASTRONOMY_H_
#define ENGINE_CALENDAR_ASTRONOMY_H_

namespace wf::calendar::astronomy {

// JDE of 2000-01-01 12:00 TT.
inline constexpr double kJ2000 = 2451545.0;

// ΔT in seconds at a decimal year (2025.5 is the middle of 2025).
double DeltaTSeconds(double decimal_year);

// Converts a JDE to a Julian Day in UT, and back.
double JdeToJdUt(double jde);

// The JDE of the true (not mean) new moon of lunation k; k = 0 is the new
// moon of 6 January 2000, k = -1 the one before.
double NewMoonJde(int k);

// The Sun's apparent geocentric ecliptic longitude, degrees in [0, 360).
double SunApparentLongitude(double jde);

// The JDE at which the Sun's apparent longitude reaches `longitude` degrees,
// the crossing nearest to `jde_guess` (which must be within about 60 days).
double SunReachesLongitude(double longitude, double jde_guess);

}  // namespace wf::calendar::astronomy

#endif  // ENGINE_CALENDAR_ASTRONOMY_H_
