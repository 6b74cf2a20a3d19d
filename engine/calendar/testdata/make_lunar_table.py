#!/usr/bin/python3
"""Writes lunar_1800_2199.csv: Tết, Giỗ Tổ and the leap month of every lunar
year 1800-2199, for the calendar computed at UTC+7 (Vietnam) and UTC+8
(China), from PyEphem's ephemeris.

The table is a check on engine/calendar/lunar.cc that shares none of its
astronomy: PyEphem (libastro) has its own lunar theory, its own solar series
and its own ΔT table, and its own root finder. Only the calendar rule is the
same, since that is what is being defined:

  * a month starts on the civil day (at the UTC offset) of a new moon;
  * month 11 is the month whose span contains the day of the December
    solstice (the Sun's apparent longitude reaching 270 degrees);
  * when 13 months start from one month 11 up to the next, the first of them
    after month 11 in whose span no major solar term (apparent longitude a
    multiple of 30 degrees) falls is the leap month and repeats the number of
    the month before it.

Run with Debian's python3-ephem (apt-get install python3-ephem):
  /usr/bin/python3 make_lunar_table.py > lunar_1800_2199.csv
With --months it writes instead every month start of the range, one
"offset,start,lunar year,month,leap" line each, for a fuller comparison.
It also prints, on stderr, every new moon and major term that falls within two
minutes of a local midnight: there the civil day depends on seconds that
theories (and models of ΔT, for future years) do not agree on.
"""

import datetime
import math
import sys

import ephem

FIRST_YEAR = 1800
LAST_YEAR = 2199
OFFSETS = (7, 8)
NEAR_MIDNIGHT_SECONDS = 120
TWO_PI = 2 * math.pi

_sun = ephem.Sun()


def sun_longitude(d):
    """The Sun's apparent geocentric ecliptic longitude, radians, of date."""
    _sun.compute(d)
    eq = ephem.Equatorial(_sun.g_ra, _sun.g_dec, epoch=d)
    return float(ephem.Ecliptic(eq, epoch=d).lon)


def major_term(target_deg, guess):
    """The instant (ephem.Date, UT) the Sun reaches target_deg, near guess."""
    target = math.radians(target_deg)

    def f(d):
        return (sun_longitude(d) - target + math.pi) % TWO_PI - math.pi

    d0 = ephem.Date(guess)
    d0 = ephem.Date(d0 - f(d0) / TWO_PI * 365.2422)
    return ephem.Date(ephem.newton(f, d0, d0 + ephem.hour))


def local_day(d, offset_hours):
    """The civil date at UTC+offset_hours of the instant d."""
    dt = ephem.Date(d + offset_hours * ephem.hour).datetime()
    return dt.date()


def seconds_from_midnight(d, offset_hours):
    """Signed seconds from the nearest local midnight (negative: before)."""
    dt = ephem.Date(d + offset_hours * ephem.hour).datetime()
    s = dt.hour * 3600 + dt.minute * 60 + dt.second + dt.microsecond / 1e6
    return s if s < 43200 else s - 86400


class Sky:
    """New moons and major terms of the whole range, computed once."""

    def __init__(self, first_year, last_year):
        self.new_moons = []
        d = ephem.Date('%d/10/1' % first_year)
        end = ephem.Date('%d/3/1' % last_year)
        while d < end:
            d = ephem.next_new_moon(d)
            self.new_moons.append(d)
            d = ephem.Date(d + 1)
        # Major terms: longitude 270 + 30 j from the solstice of first_year.
        self.terms = []  # (instant, longitude in degrees)
        guess = ephem.next_winter_solstice('%d/12/1' % first_year) - 1
        lon = 270
        while guess < end:
            t = major_term(lon, guess)
            self.terms.append((t, lon))
            guess = t + 30.44
            lon = (lon + 30) % 360


def solstice_terms(sky, year):
    return [t for t, lon in sky.terms
            if lon == 270 and t.datetime().year == year]


class Calendar:
    """Lunar months at one UTC offset, built one solstice year at a time."""

    def __init__(self, sky, offset):
        self.sky = sky
        self.offset = offset
        self.moon_days = [local_day(d, offset) for d in sky.new_moons]
        self.term_days = [local_day(t, offset) for t, _ in sky.terms]
        # Events whose civil day hangs on a minute or two.
        self.near_midnight = []
        for d in sky.new_moons:
            self.note(d, 'new moon')
        for t, lon in sky.terms:
            self.note(t, 'Sun at %d degrees' % lon)

    def month11(self, year):
        """Index in new_moons of the month that contains the solstice."""
        (solstice,) = solstice_terms(self.sky, year)
        day = local_day(solstice, self.offset)
        return max(i for i, m in enumerate(self.moon_days) if m <= day)

    def note(self, d, what):
        s = seconds_from_midnight(d, self.offset)
        if abs(s) <= NEAR_MIDNIGHT_SECONDS:
            self.near_midnight.append((d, what, s))

    def sui(self, year):
        """[(start day, month, leap, lunar year)] from month 11 of year to
        the month before month 11 of year + 1."""
        a, b = self.month11(year), self.month11(year + 1)
        starts = self.moon_days[a:b + 1]
        leap_index = -1
        if b - a == 13:
            for i in range(1, 13):
                has_term = any(starts[i] <= t < starts[i + 1]
                               for t in self.term_days)
                if not has_term:
                    leap_index = i
                    break
            assert leap_index > 0, year
        months = []
        number = 11
        for i in range(b - a):
            leap = i == leap_index
            if i > 0 and not leap:
                number = number % 12 + 1
            lunar_year = year if number >= 11 else year + 1
            months.append((starts[i], number, leap, lunar_year))
        return months


def year_row(cal, year):
    months = cal.sui(year - 1) + cal.sui(year)
    tet = next(s for s, n, leap, y in months if y == year and n == 1)
    third = next(s for s, n, leap, y in months
                 if y == year and n == 3 and not leap)
    leaps = [n for s, n, leap, y in months if y == year and leap]
    return tet, third + datetime.timedelta(days=9), (leaps or [0])[0]


def write_months(calendars, out):
    for o, cal in calendars.items():
        for year in range(FIRST_YEAR - 1, LAST_YEAR + 1):
            for start, number, leap, lunar_year in cal.sui(year):
                if FIRST_YEAR <= lunar_year <= LAST_YEAR:
                    out.write('%d,%s,%d,%d,%d\n' % (o, start.isoformat(),
                                                   lunar_year, number, leap))


def main():
    sky = Sky(FIRST_YEAR - 2, LAST_YEAR + 2)
    calendars = {o: Calendar(sky, o) for o in OFFSETS}
    out = sys.stdout
    if sys.argv[1:] == ['--months']:
        write_months(calendars, out)
        return
    out.write('# Generated by make_lunar_table.py from PyEphem %s; '
              'do not edit.\n' % ephem.__version__)
    out.write('year,tet_utc7,gio_to_utc7,leap_utc7,'
              'tet_utc8,gio_to_utc8,leap_utc8\n')
    for year in range(FIRST_YEAR, LAST_YEAR + 1):
        cells = [str(year)]
        for o in OFFSETS:
            tet, gio_to, leap = year_row(calendars[o], year)
            cells += [tet.isoformat(), gio_to.isoformat(), str(leap)]
        out.write(','.join(cells) + '\n')
    for o, cal in calendars.items():
        for d, what, s in cal.near_midnight:
            sys.stderr.write('UTC+%d %s UT: %s, %+.0f s from midnight\n'
                             % (o, ephem.Date(d), what, s))


if __name__ == '__main__':
    main()
