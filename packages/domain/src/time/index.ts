export { isValidTimeZone, assertTimeZone } from './zone.js';
export {
  parseLocalDate,
  parseLocalDateTime,
  localToInstant,
  instantToLocal,
  todayIn,
  addDaysToDate,
  SUPPORTED_YEARS,
} from './local.js';
