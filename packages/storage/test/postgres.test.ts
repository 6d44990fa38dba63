import { runRepositoryContract } from './repository.contract.js';

runRepositoryContract('postgres');
