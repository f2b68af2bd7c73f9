export {
  loadReferenceFixture,
  flatValues,
  referenceConfigurationNames,
  referenceFixtureDirectory,
  type ReferenceConfigurationName,
  type ReferenceFixture,
  type ReferenceOutputs,
  type ReferenceStage,
} from './reference-fixture.js';
