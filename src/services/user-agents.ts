/** The plugins that sent a user's heartbeats, for `GET /users/:user/user_agents`. */
import type { Storage } from '../storage/db.js';
import { listUserAgents, type UserAgentRow } from '../storage/user-agents.js';

export class UserAgentService {
  constructor(private readonly storage: Storage) {}

  /** Most recently seen first. */
  list(userId: number): Promise<UserAgentRow[]> {
    return listUserAgents(this.storage.db, userId);
  }
}
