import { runInProcessSuites } from './in-process.suites.js';

runInProcessSuites();
