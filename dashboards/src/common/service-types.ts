// Page-side names of the kommunöversikt's answers (hub/Norsjo.Retail.Hub/ServicePoints/ServicePointApi.cs):
// aliases of the generated types, nothing written by hand.
import type { components } from './api-types';

type Schemas = components['schemas'];

export type PublicServiceOverview = Schemas['PublicServiceOverview'];
export type PublicPlace = Schemas['PublicPlace'];
export type PublicVillage = Schemas['PublicVillage'];
export type NearestService = Schemas['NearestService'];
export type ServiceKind = Schemas['ServiceKind'];
export type MapSettings = Schemas['MapSettings'];
export type AdminServicePoint = Schemas['AdminServicePoint'];
export type AdminServicePoints = Schemas['AdminServicePoints'];
export type OwnServicePoint = Schemas['OwnServicePoint'];
export type ServicePointEdit = Schemas['ServicePointEdit'];
export type DistancesView = Schemas['DistancesView'];
export type ServiceWatchView = Schemas['ServiceWatchView'];
export type ServiceWatchEvent = Schemas['ServiceWatchEvent'];
