import { runListPagesContract } from './list-pages.contract.js';
import { runRepositoryContract } from './repository.contract.js';
import { runTaskInsertsContract } from './task-inserts.contract.js';

runRepositoryContract();
runListPagesContract();
runTaskInsertsContract();
runTaskInsertsContract({ pipelined: true });
