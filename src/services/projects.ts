/** A user's projects (what heartbeats created), for `GET /users/:user/projects`. */
import type { Storage } from '../storage/db.js';
import { listProjects, type ProjectRow } from '../storage/projects.js';

export class ProjectService {
  constructor(private readonly storage: Storage) {}

  /** Most recently active first; `search` keeps names containing it (case-insensitive; blank: all). */
  list(userId: number, search?: string): Promise<ProjectRow[]> {
    const q = search?.trim();
    return listProjects(this.storage.db, userId, q || undefined);
  }
}
