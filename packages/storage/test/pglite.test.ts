import { runRepositoryContract } from './repository.contract.js';

runRepositoryContract('pglite');
