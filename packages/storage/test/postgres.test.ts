import { runListPagesContract } from './list-pages.contract.js';
import { runRepositoryContract } from './repository.contract.js';
import { runTaskWritesContract } from './task-writes.contract.js';

runRepositoryContract();
runListPagesContract();
runTaskWritesContract();
