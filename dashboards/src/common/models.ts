// The shapes the hub's API answers with, under the names the pages use. Nothing here is written by
// hand: api-types.ts is generated at `npm run build` (openapi-typescript) from dashboards/openapi.json,
// which the hub's build writes from its own records (Api/ApiDocument.cs). A record changed in C#
// changes these types, and a page that reads a field no longer there fails the type check.
import type { components } from './api-types';

type Schemas = components['schemas'];

export type StoreInfo = Schemas['StoreInfo'];
/** `complete` false: the running (or cut) day, week or month, "hittills"; `lastYearHasData` false: last year is before the store's history, no figure. */
export type TrendPoint = Schemas['TrendPoint'];
export type ForecastPoint = Schemas['ForecastPoint'];
export type Accuracy = Schemas['Accuracy'];
export type ForecastView = Schemas['ForecastView'];
export type HourCell = Schemas['HourCell'];
export type Baskets = Schemas['Baskets'];
export type PaymentMix = Schemas['PaymentMix'];
export type CategoryFigure = Schemas['CategoryFigure'];
export type DeliveryFigure = Schemas['DeliveryFigure'];
export type Freshness = Schemas['Freshness'];
export type Statement = Schemas['Statement'];
/** Dagligvaror and sällanköp are null where the hub holds them back (they are shown together or not at all). */
export type IndexValue = Schemas['PublishedIndex'];
/** A period's index; where `shown` is false every figure from the stores' turnover is null and `heldBack` says why. */
export type IndexPeriod = Schemas['PublishedIndexPeriod'];
/** One municipality as the region sees it: exactly what its own staff see of its index and service watch. */
export type RegionalMunicipality = Schemas['RegionalMunicipality'];
/** A group of stores, a store that shares its figures, or a store's estimate. */
export type VillageFigure = Schemas['PublishedVillage'];
export type VillageReport = Schemas['PublishedVillageReport'];
export type Outlook = Schemas['PublishedOutlook'];
export type CashShareMonth = Schemas['PublishedCashMonth'];
export type DeliveryMonth = Schemas['PublishedDeliveries'];
export type ConsentEvent = Schemas['ConsentEvent'];
/** A store owner's consent to share the shop's figures with the municipality, as both sides see it. */
export type ConsentView = Schemas['ConsentView'];
export type SilentAgent = Schemas['SilentAgent'];
export type StateClaim = Schemas['StateClaim'];
/** What the municipality's index rests on (GET /api/municipality/index/basis): the pages show these, never copies of them. */
export type IndexBasis = Schemas['IndexBasis'];
/** An item the hub refused at ingest: what, its date, the field (also in Swedish) and the validator's reason. */
export type RefusedItem = Schemas['RefusedItem'];
export type StoreRefusals = Schemas['StoreRefusals'];
/** Per store, how many items of each kind the hub refused (admins only). */
export type RefusalCount = Schemas['RefusalCount'];
export type NotApprovedDelivery = Schemas['NotApprovedDelivery'];
export type NotApprovedReport = Schemas['NotApprovedReport'];
/** The admin page's shapes. */
export type AdminStore = Schemas['AdminStore'];
export type IssuedCode = Schemas['IssuedCode'];
export type UserView = Schemas['UserView'];
/** Who is signed in (GET /api/me), with Norsjö's date and hour by the hub's clock: the pages' "today". */
export type Me = Schemas['SignedInUser'];
/** The hub's answer to a sign-in: the user, and the asked-for page if the hub found it safe. */
export type LoginReply = Schemas['LoginReply'];
