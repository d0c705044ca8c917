/**
 * Calendar dates and working time for eiso, in Vietnam's time zone (Asia/Ho_Chi_Minh, UTC+7 all
 * year, no daylight saving). Dates are 'YYYY-MM-DD' strings: a calendar date has no time of day to
 * get wrong; instants are JS Dates.
 *
 * - dates: calendar-date helpers.
 * - lunar: the Vietnamese lunar calendar (Tết, Hùng Kings' day).
 * - holidays: public holidays by rule (Labour Code 2019 art. 111–112).
 * - schedules: each year's official days off and make-up working days, as data.
 * - working-time: WorkingCalendar — working hours, working days, procedure deadlines.
 */
export * from './dates';
export * from './lunar';
export * from './holidays';
export * from './schedules';
export * from './working-time';
