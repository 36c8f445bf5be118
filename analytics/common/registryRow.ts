/**
 * One row of the asset registry as every runtime reads it: which asset (domain, district, id), its
 * name, what it is and where. Who answers for it is added where a reader needs it. Pure.
 */
export interface RegistryRow {
  domain: string;
  district: string;
  asset: string;
  name: string;
  kind: string;
  lat: number;
  lon: number;
}
