import type { ErrorCode, Refusal } from '../../../analytics/common/engineApi';

/** A request the engine answered with an error; a refused action carries its refusal as a code to translate. */
export class EngineRequestError extends Error {
  constructor(readonly code: ErrorCode, text: string, readonly refusal: Refusal | null) {
    super(`${code}: ${text}`);
  }
}
