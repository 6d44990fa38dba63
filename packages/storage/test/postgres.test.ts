import { runListPagesContract } from './list-pages.contract.js';
import { runRepositoryContract } from './repository.contract.js';

runRepositoryContract('postgres');
runListPagesContract('postgres');
