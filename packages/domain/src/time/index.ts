export { isValidTimeZone, assertTimeZone } from './zone.js';
export { parseLocalDate, parseLocalDateTime, localToInstant, instantToLocal, todayIn, addDaysToDate } from './local.js';
