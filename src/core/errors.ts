/**
 * Typed errors at the boundaries. Each says what came and what was expected;
 * the CLI prints `error: <message>` on one line and exits with `exitCode`.
 */
export class AudeoError extends Error {
  constructor(
    message: string,
    readonly exitCode: number = 1,
  ) {
    super(message);
    this.name = new.target.name;
  }
}
/** Bad user input: not a video, bad option value, malformed file. Exit 2. */
export class InputError extends AudeoError {
  constructor(message: string) {
    super(message, 2);
  }
}
/** A model that is missing, corrupt, of the wrong type or hash. Exit 3. */
export class ModelError extends AudeoError {
  constructor(message: string) {
    super(message, 3);
  }
}
/** The keyboard could not be found or mapped. Exit 4. */
export class KeyboardNotFoundError extends AudeoError {
  constructor(message: string) {
    super(message, 4);
  }
}
/** An output (MIDI port, OSC socket, file) failed. Exit 5. */
export class SinkError extends AudeoError {
  constructor(message: string) {
    super(message, 5);
  }
}
