export { studyDefinitionSchema, type StudyDefinition, type StudyDefinitionInput } from './definition.js';
export { loadStudyDefinition } from './loadDefinition.js';
export { runStudy, type StudyRun, type RunStudyOptions } from './runStudy.js';
export { writeStudyOutputs, type StudyOutputs } from './writeStudy.js';
export { runStudyFolder, verifyStudyFolder, type RunStudyFolderOptions } from './runStudyFolder.js';
export { compareResults, type ResultDifference } from './verify.js';
export { type Manifest } from './manifest.js';
