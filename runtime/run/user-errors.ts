// The errors that are the input's or the environment's problem, not a bug: `intel` and an emitted
// program print their message and exit 1; anything else is an internal error with its stack.
import { BackendUnavailableError } from "../backend/select";
import { DataError } from "../data/dataset";
import { MappingNeedsDataError } from "../mapping/graph";
import { TrainingDivergedError } from "../train/divergence";
import { TrainSettingsError } from "../train/optimizer";
import { CheckpointError } from "./checkpoint";
import { RunDirError } from "./run-dir";

const USER_ERRORS = [DataError, RunDirError, CheckpointError, TrainSettingsError, TrainingDivergedError, BackendUnavailableError, MappingNeedsDataError];

export const isUserError = (e: unknown): e is Error => USER_ERRORS.some((k) => e instanceof k);
