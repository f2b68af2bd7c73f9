export {
  loadReferenceFixture,
  flatValues,
  referenceConfigurationNames,
  referenceFixtureDirectory,
  referenceTolerance,
  type ReferenceConfigurationName,
  type ReferenceFixture,
  type ReferenceOutputs,
  type ReferenceStage,
} from './reference-fixture.js';
export { compareValues, compareWithReference, type ReferenceComparison } from './reference-parity.js';
