/** A user's machines, for `GET /users/:user/machine_names`. */
import type { Storage } from '../storage/db.js';
import { listMachines, type MachineRow } from '../storage/machine-names.js';

export class MachineNameService {
  constructor(private readonly storage: Storage) {}

  /** Most recently seen first. */
  list(userId: number): Promise<MachineRow[]> {
    return listMachines(this.storage.db, userId);
  }
}
