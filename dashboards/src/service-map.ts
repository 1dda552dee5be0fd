// The public page's map, loaded only when the municipality has configured a tile server
// (ServicePoints:TileUrl). Places are circle markers (no marker images to fetch).
import 'leaflet/dist/leaflet.css';
import L from 'leaflet';
import type { MapSettings, PublicPlace } from './common/service-types';

export function drawMap(element: HTMLElement, settings: MapSettings, places: PublicPlace[]): void {
  if (places.length === 0) return;
  const map = L.map(element, { scrollWheelZoom: false });
  L.tileLayer(settings.tileUrl, { attribution: settings.attribution, maxZoom: 18 }).addTo(map);
  const bounds = L.latLngBounds(places.map((p) => [p.latitude, p.longitude] as [number, number]));
  for (const place of places) {
    L.circleMarker([place.latitude, place.longitude], { radius: 8, color: '#1d5b8f', weight: 2, fillOpacity: 0.8 })
      .bindPopup(`${place.name}: ${place.openNow ? 'öppet nu' : 'stängt nu'}`)
      .addTo(map);
  }
  map.fitBounds(bounds.pad(0.3), { maxZoom: 15 });
}
