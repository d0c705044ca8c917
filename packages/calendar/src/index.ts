/**
 * Calendar dates for eiso, in Vietnam's time zone (Asia/Ho_Chi_Minh, UTC+7 all year, no daylight
 * saving). Dates are 'YYYY-MM-DD' strings: a calendar date has no time of day to get wrong.
 * The working-time calendar (working hours, holidays, deadlines) joins this package later.
 */
export * from './dates';
