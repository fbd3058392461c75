import type { Kysely } from "kysely";
import type { TokenRecord } from "../../domain/model.ts";
import { KyselyTokenRepository } from "../repositories/tokens-repository.ts";
import type { Database } from "../schema.ts";
import type { GenerationCache } from "./generation-cache.ts";

/** Token lookups by hash (one per Graph request) from the generation cache; an invalidation moves the generation. */
export class CachingTokenRepository extends KyselyTokenRepository {
  readonly #cache: GenerationCache;

  constructor(db: Kysely<Database>, cache: GenerationCache) {
    super(db);
    this.#cache = cache;
  }

  override findByHash(hash: string): Promise<TokenRecord | undefined> {
    return this.#cache.through("token", hash, () => super.findByHash(hash));
  }
}
