// The map page: draws a layer's territories coloured by owner, resolves clicks, follows new map versions.
'use strict';
(() => {
  const params = new URLSearchParams(location.search);
  // New versions arrive on the watch stream; the poll is the safety net when a proxy or an old
  // server breaks the stream. Tests set it (long, to prove the stream; short, to prove the poll).
  const pollMs = Math.max(250, Number(params.get('poll')) || 15000);
  const plan = params.get('plan') || '';
  const $ = (id) => document.getElementById(id);
  const keyInput = $('api-key');
  keyInput.value = localStorage.getItem('geoassign-api-key') || '';
  keyInput.addEventListener('change', () => { localStorage.setItem('geoassign-api-key', keyInput.value); refresh(); watch(); });

  // What the tests (and a curious person in the console) can read.
  const page = window.geoassignMap = { version: 0, drawnVersion: 0, drawnIds: [], owners: {}, answer: null, map: null };

  const map = page.map = L.map('map', { preferCanvas: true, worldCopyJump: false, zoomSnap: 0.5 }).setView([39, -98], 4);
  const renderer = L.canvas({ padding: 0.5 });
  let drawn = null;         // the L.GeoJSON layer on the map
  let drawnKey = '';        // version/layer/zoom bucket of what is drawn
  let marker = null;        // the point last resolved
  let fitted = false;
  let names = new Map();    // territory id → name, of what is drawn
  let refreshing = null;    // the load under way, so that polls and events do not pile up

  // cache: 'no-cache' keeps the answer and revalidates it (the drawing's ETag makes a kept version a 304).
  async function getJson(url, cache = 'no-store') {
    const headers = keyInput.value ? { 'x-api-key': keyInput.value } : {};
    const response = await fetch(url, { headers, cache });
    const body = await response.json().catch(() => ({}));
    if (!response.ok) {
      throw new Error(body.message || `${response.status} ${response.statusText}`);
    }
    return body;
  }

  function showError(error) {
    const box = $('error');
    box.hidden = !error;
    box.textContent = error ? String(error.message || error) : '';
  }

  // A stable colour per owner: the hue comes from a hash of the owner id alone, so an owner keeps its
  // colour across versions, layers and reloads.
  function colourOf(owner) {
    let hash = 2166136261;
    for (let i = 0; i < owner.length; i++) {
      hash ^= owner.charCodeAt(i);
      hash = Math.imul(hash, 16777619) >>> 0;
    }
    const hue = (hash % 360);
    const saturation = 45 + ((hash >>> 9) % 30);
    const lightness = 48 + ((hash >>> 17) % 18);
    return `hsl(${hue}, ${saturation}%, ${lightness}%)`;
  }

  function escapeHtml(text) {
    return String(text).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c]));
  }

  // Each territory's parent chain (parent first) of what is drawn, from /map/ancestors.json.
  let ancestors = {};
  let ancestorsKey = '';

  function describe(properties) {
    const chain = ancestors[properties.id];
    const lines = chain
      ? `<br>ancestors: <span class="ancestors">${chain.map((a) => `<span class="ancestor" data-id="${escapeHtml(a.id)}">${escapeHtml(a.id)} ${escapeHtml(a.name || '')}`
        + `${a.owner ? ` (${escapeHtml(a.owner)})` : ''}</span>`).join(' › ')}</span>`
      : (properties.parent ? `<br>parent ${escapeHtml(properties.parent)}` : '');
    return `<b>${escapeHtml(properties.id)}</b> ${escapeHtml(properties.name || '')}<br>owner ${escapeHtml(properties.owner)}${lines}`;
  }

  async function loadAncestors(version) {
    const key = `${version}/${layerName()}`;
    if (key === ancestorsKey) {
      return;
    }
    const query = new URLSearchParams({ layer: layerName() });
    if (plan) {
      query.set('plan', plan);
    }
    ancestors = (await getJson(`/map/ancestors.json?${query}`)).ancestors;
    ancestorsKey = page.ancestorsKey = key;
  }

  function layerName() {
    return $('layer').value || 'geo';
  }

  function zoomBucket() {
    return Math.max(0, Math.min(14, Math.floor(map.getZoom())));
  }

  function drawLegend(features) {
    const counts = new Map();
    for (const feature of features) {
      counts.set(feature.properties.owner, (counts.get(feature.properties.owner) || 0) + 1);
    }
    const owners = [...counts.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
    page.owners = Object.fromEntries(owners);
    $('legend').replaceChildren(...owners.map(([owner, count]) => {
      const item = document.createElement('li');
      item.dataset.owner = owner;
      item.dataset.count = String(count);
      const swatch = document.createElement('span');
      swatch.className = 'swatch';
      swatch.style.background = colourOf(owner);
      item.append(swatch, `${owner} (${count})`);
      return item;
    }));
    $('territory-count').textContent = `(${features.length} territories)`;
  }

  async function draw(version) {
    const bucket = zoomBucket();
    const key = `${version}/${layerName()}/${bucket}`;
    if (key === drawnKey) {
      return;
    }
    const query = new URLSearchParams({ layer: layerName(), zoom: String(bucket) });
    if (plan) {
      query.set('plan', plan);
    }
    const [collection] = await Promise.all([getJson(`/map/territories.geojson?${query}`, 'no-cache'), loadAncestors(version)]);
    const next = L.geoJSON(collection, {
      renderer,
      style: (feature) => ({ color: '#333', weight: 0.8, fillColor: colourOf(feature.properties.owner), fillOpacity: 0.65 }),
      onEachFeature: (feature, layer) => {
        layer.bindTooltip(() => describe(feature.properties), { sticky: true });
        layer.on('mouseover', () => { $('hover').hidden = false; $('hover').innerHTML = describe(feature.properties); });
      },
    });
    next.addTo(map);
    if (drawn) {
      map.removeLayer(drawn);
    }
    drawn = next;
    drawnKey = page.drawnKey = key;
    if (marker) {
      marker.bringToFront();
    }
    drawLegend(collection.features);
    page.drawnIds = collection.features.map((feature) => feature.id);
    page.drawnLayerCount = next.getLayers().length;
    names = new Map(collection.features.map((feature) => [feature.id, feature.properties.name]));
    page.drawnVersion = collection.mapVersion;
    document.body.dataset.drawnVersion = String(collection.mapVersion);
    // Leaflet paints the canvas at the next frame: then the layer is on screen. The mark is what
    // loadtests' map-page times (from navigation start); drawnKey says which drawing it is.
    requestAnimationFrame(() => {
      performance.mark(`geoassign-drawn ${key}`);
      document.body.dataset.drawnKey = key;
    });
    if ($('cells-toggle').checked && page.cells?.mapVersion !== collection.mapVersion) {
      drawCells();
    }
    if ($('plan-choice').value && page.planDiff && page.planDiff.liveVersion !== collection.mapVersion) {
      comparePlan();
    }
    if (!fitted && collection.features.length > 0) {
      fitted = true;
      const bounds = next.getBounds();
      // The sample map spans the antimeridian (Alaska, Guam): fit the part most territories are in.
      // Without animation, so that a view set right after the first drawing is not undone when it ends.
      map.fitBounds(bounds.getEast() - bounds.getWest() > 180 ? [[24, -125], [50, -66]] : bounds, { animate: false });
    }
  }

  // "Look inside": the index's leaf cells in view, drawn as SVG paths so that each carries its kind as
  // a class (cell-interior, cell-boundary) that the style sheet colours.
  const cellRenderer = L.svg({ padding: 0.1 });
  let cellsDrawn = null;
  let cellsAsked = 0;
  page.cells = null;

  function viewBox() {
    const bounds = map.getBounds();
    const south = Math.max(-90, bounds.getSouth());
    const north = Math.min(90, bounds.getNorth());
    if (bounds.getEast() - bounds.getWest() >= 360) {
      return [-180, south, 180, north];
    }
    const wrap = (lng) => ((((lng + 180) % 360) + 360) % 360) - 180;
    // Leaflet's longitudes run past ±180 when the map is panned across the antimeridian.
    const west = wrap(bounds.getWest());
    const east = bounds.getEast() > 180 && wrap(bounds.getEast()) === -180 ? 180 : wrap(bounds.getEast());
    return [west, south, east, north].map((value) => Number(value.toFixed(6)));
  }

  function describeCell(properties) {
    const candidates = properties.territories.map((id, i) => `${escapeHtml(id)}${properties.wholeCell[i] ? ' (whole cell)' : ' (exact test)'}`);
    return `<b>${escapeHtml(properties.cell)}</b> resolution ${properties.resolution}<br>${properties.kind === 'interior' ? 'interior: the cell answers' : 'boundary: needs the exact test'}`
      + `<br>${candidates.join('<br>')}`;
  }

  async function drawCells() {
    const asked = ++cellsAsked;
    if (!$('cells-toggle').checked) {
      if (cellsDrawn) {
        map.removeLayer(cellsDrawn);
        cellsDrawn = null;
      }
      page.cells = null;
      $('cells-key').hidden = true;
      $('cells-status').hidden = true;
      return;
    }
    const box = viewBox();
    const query = new URLSearchParams({ layer: layerName(), bbox: box.join(',') });
    if (plan) {
      query.set('plan', plan);
    }
    try {
      const collection = await getJson(`/map/cells.geojson?${query}`);
      if (asked !== cellsAsked || !$('cells-toggle').checked) {
        return;
      }
      const next = L.geoJSON(collection, {
        renderer: cellRenderer,
        style: (feature) => ({ className: `cell-${feature.properties.kind}`, color: feature.properties.kind === 'interior' ? '#1f4e9c' : '#c0182b', weight: 1 }),
        onEachFeature: (feature, layer) => layer.bindTooltip(describeCell(feature.properties), { sticky: true }),
      });
      next.addTo(map);
      next.eachLayer((layer) => layer.getElement()?.setAttribute('data-cell', layer.feature.id));
      if (cellsDrawn) {
        map.removeLayer(cellsDrawn);
      }
      cellsDrawn = next;
      if (marker) {
        marker.bringToFront();
      }
      page.cells = {
        box, mapVersion: collection.mapVersion, total: collection.total, omitted: collection.omitted, count: collection.features.length, limit: collection.limit,
        kinds: Object.fromEntries(collection.features.map((feature) => [feature.id, feature.properties.kind])),
      };
      const interior = collection.features.filter((feature) => feature.properties.kind === 'interior').length;
      const status = $('cells-status');
      status.hidden = false;
      status.textContent = `${collection.features.length} cells in view (${interior} interior, ${collection.features.length - interior} boundary; index resolution ${collection.resolution}).`
        + (collection.omitted > 0 ? ` ${collection.totalIsExact ? '' : 'At least '}${collection.omitted} more are left out: zoom in to see them.` : '');
      status.classList.toggle('error', collection.omitted > 0);
      $('cells-key').hidden = false;
      showError(null);
    } catch (error) {
      showError(error);
    }
  }

  // Plans: the chooser lists them (GET /v1/plans); choosing one draws the areas whose owner it
  // changes (DiffPlan's changed-area GeoJSON) labelled old → new owner, beside the diff table.
  let planDrawn = null;
  let planAsked = 0;
  page.planDiff = null;

  async function listPlans() {
    try {
      const plans = (await getJson('/v1/plans')).plans || [];
      const select = $('plan-choice');
      const chosen = select.value || plan;
      const names = plans.map((p) => p.name);
      if ([...select.options].slice(1).map((o) => o.value).join() !== names.join()) {
        select.replaceChildren(new Option('(none)', ''), ...plans.map((p) => new Option(`${p.name} (${String(p.status || '').replace('PLAN_STATUS_', '').toLowerCase()}, ${p.territoryCount || 0} territories)`, p.name)));
      }
      select.value = names.includes(chosen) ? chosen : '';
      page.plans = names;
    } catch (error) {
      showError(error);
    }
  }

  function decodeBase64Json(text) {
    return JSON.parse(new TextDecoder().decode(Uint8Array.from(atob(text), (c) => c.charCodeAt(0))));
  }

  async function comparePlan() {
    const asked = ++planAsked;
    const chosen = $('plan-choice').value;
    if (planDrawn) {
      map.removeLayer(planDrawn);
      planDrawn = null;
    }
    page.planDiff = null;
    $('plan-summary').hidden = true;
    $('plan-diff').hidden = true;
    if (!chosen) {
      return;
    }
    try {
      const diff = await getJson(`/v1/plans/${encodeURIComponent(chosen)}:diff?include_geojson=true`);
      if (asked !== planAsked) {
        return;
      }
      const layer = layerName();
      const areas = diff.changedAreasGeojson ? decodeBase64Json(diff.changedAreasGeojson) : { type: 'FeatureCollection', features: [] };
      const features = areas.features.filter((feature) => (feature.properties.layer || 'geo') === layer);
      const owner = (id) => id || '(unassigned)';
      // Labels stay on the map for a readable number of pieces; past that, on hover.
      const permanent = features.length <= 40;
      planDrawn = L.geoJSON({ type: 'FeatureCollection', features }, {
        renderer: cellRenderer,
        style: () => ({ className: 'plan-change', color: '#e0590b', weight: 2.5 }),
        onEachFeature: (feature, part) => part.bindTooltip(`${escapeHtml(owner(feature.properties.old_owner_id))} → ${escapeHtml(owner(feature.properties.new_owner_id))}`,
          { permanent, direction: 'center', className: 'plan-change-label' }),
      }).addTo(map);
      if (marker) {
        marker.bringToFront();
      }
      const transfers = (diff.transfers || []).filter((t) => (t.layer || 'geo') === layer);
      $('plan-diff').querySelector('tbody').replaceChildren(...transfers.map((t) => {
        const row = document.createElement('tr');
        row.dataset.old = t.oldOwnerId || '';
        row.dataset.new = t.newOwnerId || '';
        for (const [text, number] of [[owner(t.oldOwnerId), false], ['→', false], [owner(t.newOwnerId), false], [(t.areaKm2 || 0).toFixed(1), true], [String(t.pieceCount || 0), true]]) {
          const cell = document.createElement('td');
          cell.textContent = text;
          cell.classList.toggle('number', number);
          row.append(cell);
        }
        return row;
      }));
      const changed = (diff.territories || []).length;
      $('plan-summary').hidden = false;
      $('plan-summary').textContent = `Plan ${chosen} (version ${diff.planVersion}) against live version ${diff.liveVersion}: `
        + `${changed} ${changed === 1 ? 'territory differs' : 'territories differ'}; `
        + (transfers.length ? `${features.length} ${features.length === 1 ? 'area changes' : 'areas change'} owner in layer ${layer}.` : `no area changes owner in layer ${layer}.`);
      $('plan-diff').hidden = transfers.length === 0;
      page.planDiff = {
        plan: chosen, layer, liveVersion: diff.liveVersion, planVersion: diff.planVersion,
        labels: features.map((feature) => `${owner(feature.properties.old_owner_id)} → ${owner(feature.properties.new_owner_id)}`),
        transfers: transfers.map((t) => [t.oldOwnerId || '', t.newOwnerId || '', t.areaKm2 || 0]),
      };
      showError(null);
    } catch (error) {
      showError(error);
    }
  }

  // Accounts: a CSV of id,lat,lng dropped on the map (or chosen) is resolved with ResolveBatch
  // (POST /v1/resolve:batch, each id also as the account id, so an override in force decides) and
  // drawn as points coloured by owner; an override is ringed in black. Nothing leaves the browser
  // but the points.
  const accountRenderer = L.canvas({ padding: 0.5 });
  let accountsDrawn = null;
  page.accounts = null;
  // ResolveBatch takes up to 10,000 points a call by default.
  const batchSize = 5000;

  function parseAccounts(text) {
    const accounts = [];
    const problems = [];
    const lines = text.split(/\r?\n/);
    lines.forEach((line, index) => {
      if (!line.trim()) {
        return;
      }
      const fields = line.split(',').map((field) => field.trim().replace(/^"(.*)"$/, '$1'));
      const lat = Number(fields[1]);
      const lng = Number(fields[2]);
      if (fields.length < 3 || fields[1] === '' || fields[2] === '' || !Number.isFinite(lat) || !Number.isFinite(lng) || Math.abs(lat) > 90 || Math.abs(lng) > 180) {
        // A first line that is not a point is the header.
        if (index > 0 || accounts.length > 0) {
          problems.push(index + 1);
        }
        return;
      }
      accounts.push({ id: fields[0], lat, lng });
    });
    return { accounts, problems };
  }

  async function resolveAccounts(accounts) {
    const answers = [];
    let version = 0;
    for (let start = 0; start < accounts.length; start += batchSize) {
      const part = accounts.slice(start, start + batchSize);
      const headers = { 'content-type': 'application/json' };
      if (keyInput.value) {
        headers['x-api-key'] = keyInput.value;
      }
      const body = {
        points: { lat: part.map((a) => a.lat), lng: part.map((a) => a.lng), ids: part.map((a) => a.id), accountIds: part.map((a) => a.id) },
        layer: layerName(),
        plan,
      };
      const response = await fetch('/v1/resolve:batch', { method: 'POST', headers, body: JSON.stringify(body), cache: 'no-store' });
      const answer = await response.json().catch(() => ({}));
      if (!response.ok) {
        throw new Error(answer.message || `${response.status} ${response.statusText}`);
      }
      const chunk = answer.assignments || {};
      version = chunk.mapVersion;
      const territories = chunk.territories || [];
      const overrides = chunk.overrides || [];
      part.forEach((account, i) => {
        const ref = (chunk.territoryRefs || [])[i] || 0;
        const overrideRef = (chunk.overrideRefs || [])[i] || 0;
        const territory = ref ? territories[ref - 1] : null;
        const override = overrideRef ? overrides[overrideRef - 1] : null;
        answers.push({
          ...account,
          territoryId: territory ? territory.territoryId : '',
          owner: override ? override.ownerId : (territory ? territory.ownerId || '' : ''),
          reason: (chunk.reasons || [])[i],
          override: Boolean(override),
        });
      });
    }
    return { answers, version };
  }

  async function showAccounts(file) {
    const summary = $('accounts-summary');
    summary.hidden = false;
    summary.classList.remove('error');
    summary.textContent = `Reading ${file.name}…`;
    try {
      const { accounts, problems } = parseAccounts(await file.text());
      if (accounts.length === 0) {
        throw new Error(`${file.name} has no rows of id,lat,lng.`);
      }
      const { answers, version } = await resolveAccounts(accounts);
      if (accountsDrawn) {
        map.removeLayer(accountsDrawn);
      }
      accountsDrawn = L.layerGroup(answers.map((a) => L.circleMarker([a.lat, a.lng], {
        renderer: accountRenderer,
        radius: a.override ? 6 : 4,
        color: a.override ? '#000' : '#333',
        weight: a.override ? 2.5 : 0.8,
        fillColor: a.owner ? colourOf(a.owner) : '#fff',
        fillOpacity: 0.95,
      }).bindTooltip(`${escapeHtml(a.id)} → ${escapeHtml(a.owner || '(unassigned)')}${a.override ? ' (override)' : ''}<br>${escapeHtml(a.territoryId || '(no territory)')} ${escapeHtml(a.reason || '')}`))).addTo(map);
      const counts = new Map();
      for (const a of answers) {
        const entry = counts.get(a.owner) || { accounts: 0, overrides: 0 };
        entry.accounts++;
        entry.overrides += a.override ? 1 : 0;
        counts.set(a.owner, entry);
      }
      const rows = [...counts.entries()].sort((x, y) => y[1].accounts - x[1].accounts || (x[0] < y[0] ? -1 : 1));
      $('accounts-counts').querySelector('tbody').replaceChildren(...rows.map(([owner, entry]) => {
        const row = document.createElement('tr');
        row.dataset.owner = owner;
        row.dataset.accounts = String(entry.accounts);
        row.dataset.overrides = String(entry.overrides);
        const name = document.createElement('td');
        if (owner) {
          const swatch = document.createElement('span');
          swatch.className = 'swatch';
          swatch.style.background = colourOf(owner);
          name.append(swatch, ' ');
        }
        name.append(owner || '(unassigned)');
        const count = document.createElement('td');
        count.className = 'number';
        count.textContent = String(entry.accounts);
        const overridden = document.createElement('td');
        overridden.className = 'number';
        overridden.textContent = entry.overrides ? String(entry.overrides) : '';
        row.append(name, count, overridden);
        return row;
      }));
      $('accounts-counts').hidden = false;
      const overridden = answers.filter((a) => a.override).length;
      summary.textContent = `${answers.length} accounts of ${file.name} at map version ${version}; ${overridden} owned by an override in force (ringed).`
        + (problems.length ? ` Lines left out (not id,lat,lng): ${problems.slice(0, 10).join(', ')}${problems.length > 10 ? ', …' : ''}.` : '');
      page.accounts = {
        file: file.name, version, problems,
        points: answers.map((a) => ({ id: a.id, owner: a.owner, territoryId: a.territoryId, reason: a.reason, override: a.override })),
        byOwner: Object.fromEntries(rows.map(([owner, entry]) => [owner, entry.accounts])),
      };
    } catch (error) {
      summary.classList.add('error');
      summary.textContent = String(error.message || error);
    }
  }

  $('accounts-file').addEventListener('change', () => {
    const file = $('accounts-file').files[0];
    if (file) {
      showAccounts(file);
    }
  });
  const mapElement = $('map');
  mapElement.addEventListener('dragover', (event) => {
    if ([...event.dataTransfer.types].includes('Files')) {
      event.preventDefault();
      mapElement.classList.add('dropping');
    }
  });
  mapElement.addEventListener('dragleave', () => mapElement.classList.remove('dropping'));
  mapElement.addEventListener('drop', (event) => {
    mapElement.classList.remove('dropping');
    const file = event.dataTransfer.files[0];
    if (file) {
      event.preventDefault();
      showAccounts(file);
    }
  });

  function showLayers(layers) {
    const select = $('layer');
    const names = layers.map((layer) => layer.layer);
    if (names.length === 0) {
      names.push('geo');
    }
    const current = select.value || (names.includes('geo') ? 'geo' : names[0]);
    if ([...select.options].map((o) => o.value).join() !== names.join()) {
      select.replaceChildren(...names.map((name) => new Option(name, name)));
    }
    select.value = names.includes(current) ? current : names[0];
  }

  // One load at a time; a refresh asked for during a load runs again after it, since that load may
  // have read /v1/map before the version that prompted the request.
  let again = false;
  function refresh() {
    if (refreshing) {
      again = true;
      return refreshing;
    }
    refreshing = load().finally(() => {
      refreshing = null;
      if (again) {
        again = false;
        refresh();
      }
    });
    return refreshing;
  }

  async function load() {
    try {
      const info = await getJson('/v1/map');
      page.version = info.mapVersion;
      $('map-version').textContent = String(info.mapVersion);
      document.body.dataset.mapVersion = String(info.mapVersion);
      showLayers(info.layers || []);
      await draw(info.mapVersion);
      showError(null);
    } catch (error) {
      showError(error);
    }
  }

  function mark(lat, lng) {
    if (marker) {
      marker.setLatLng([lat, lng]);
    } else {
      marker = page.marker = L.circleMarker([lat, lng], { renderer, radius: 6, color: '#000', weight: 2, fillColor: '#fff', fillOpacity: 1 }).addTo(map);
    }
  }

  function showAnswer(lat, lng, answer, location) {
    page.answer = { lat, lng, ...answer, location };
    $('answer').hidden = false;
    $('answer-postal-row').hidden = !location;
    $('answer-postal').textContent = location
      ? `${location.country} ${location.postalCode} ${[location.placeName, location.adminCode1 || location.adminName1].filter(Boolean).join(', ')}`
      : '';
    $('answer-point').textContent = `${lat.toFixed(6)}, ${lng.toFixed(6)}`;
    $('answer-territory').textContent = answer.territoryId ? `${answer.territoryId} ${names.get(answer.territoryId) || ''}` : '(none)';
    $('answer-owner').textContent = answer.ownerId || '(none)';
    $('answer-reason').textContent = answer.reason;
    $('answer-version').textContent = String(answer.mapVersion);
    const label = `${escapeHtml(location ? `${location.country} ${location.postalCode}: ` : '')}${escapeHtml(answer.territoryId || '(none)')} → ${escapeHtml(answer.ownerId || '(none)')}`;
    // One tooltip for the marker, its text replaced: binding anew can leave the old one standing.
    if (marker.getTooltip()) {
      marker.setTooltipContent(label).openTooltip();
    } else {
      marker.bindTooltip(label, { permanent: true, direction: 'top', offset: [0, -6] }).openTooltip();
    }
  }

  function lookupQuery() {
    const query = new URLSearchParams({ layer: layerName() });
    if (plan) {
      query.set('plan', plan);
    }
    return query;
  }

  async function resolve(lat, lng) {
    mark(lat, lng);
    const query = lookupQuery();
    query.set('lat', String(lat));
    query.set('lng', String(lng));
    try {
      showAnswer(lat, lng, (await getJson(`/v1/resolve?${query}`)).assignment, null);
      showError(null);
    } catch (error) {
      showError(error);
    }
  }

  // A postal code: GET /v1/resolve:address (ResolveAddress) answers with its point and reason
  // REASON_POSTAL_CODE; the page marks that point and moves there.
  async function resolveAddress(country, postalCode) {
    const query = lookupQuery();
    query.set('country', country);
    query.set('postal_code', postalCode);
    try {
      const response = await getJson(`/v1/resolve:address?${query}`);
      const { lat, lng } = response.location;
      mark(lat, lng);
      map.setView([lat, lng], Math.max(map.getZoom(), 8));
      showAnswer(lat, lng, response.assignment, response.location);
      showError(null);
    } catch (error) {
      const box = $('search-error');
      box.hidden = false;
      box.textContent = String(error.message || error);
    }
  }

  map.on('click', (event) => resolve(event.latlng.lat, event.latlng.lng));
  map.on('zoomend', () => refresh());
  $('layer').addEventListener('change', () => { refresh(); drawCells(); comparePlan(); });
  $('plan-choice').addEventListener('change', () => comparePlan());
  // The list is read again when the chooser is opened: plans come and go without a new live version.
  $('plan-choice').addEventListener('focus', () => listPlans());
  map.on('moveend', () => { if ($('cells-toggle').checked) { drawCells(); } });
  $('cells-toggle').addEventListener('change', () => drawCells());
  // The search box: "lat,lng", or a postal code ("US 10001", "SW1A 1AA" with its country; a bare
  // "10001" uses the country last searched, else US) that the server's gazetteer resolves.
  $('search').addEventListener('submit', (event) => {
    event.preventDefault();
    const text = $('search-text').value;
    const error = $('search-error');
    const coordinates = /^\s*(-?\d+(?:\.\d+)?)\s*[,; ]\s*(-?\d+(?:\.\d+)?)\s*$/.exec(text);
    if (coordinates && Math.abs(Number(coordinates[1])) <= 90 && Math.abs(Number(coordinates[2])) <= 180) {
      error.hidden = true;
      const lat = Number(coordinates[1]);
      const lng = Number(coordinates[2]);
      map.setView([lat, lng], Math.max(map.getZoom(), 6));
      resolve(lat, lng);
      return;
    }
    // A postal code has a digit (every country's does); a country, when given, comes first.
    const postal = /^\s*(?:([A-Za-z]{2})[\s,:]+)?([A-Za-z0-9][A-Za-z0-9 -]{0,19})\s*$/.exec(text);
    if (!coordinates && postal && /\d/.test(postal[2])) {
      error.hidden = true;
      const country = (postal[1] || localStorage.getItem('geoassign-country') || 'US').toUpperCase();
      localStorage.setItem('geoassign-country', country);
      resolveAddress(country, postal[2].trim());
      return;
    }
    error.hidden = false;
    error.textContent = 'Give coordinates as "lat,lng", e.g. 39.7392,-104.9903, or a postal code, e.g. "US 10001" or "10001".';
  });
  $('plan-label').textContent = plan ? `(plan ${plan})` : '';

  // Follows new versions as the server announces them: GET /v1/map:watch streams one JSON object a
  // line (WatchMap transcoded), the first for the version served now. A broken stream reconnects.
  let watching = null;
  async function watch() {
    watching?.abort();
    const controller = watching = new AbortController();
    try {
      const headers = keyInput.value ? { 'x-api-key': keyInput.value } : {};
      const response = await fetch('/v1/map:watch', { headers, signal: controller.signal, cache: 'no-store' });
      if (!response.ok || !response.body) {
        throw new Error(`watch: ${response.status}`);
      }
      page.watchConnections = (page.watchConnections || 0) + 1;
      $('live-status').textContent = '· live';
      $('live-status').className = 'live';
      const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
      let pending = '';
      for (;;) {
        const { value, done } = await reader.read();
        if (done) {
          break;
        }
        pending += value;
        page.watchReceived = (page.watchReceived || 0) + value.length;
        const lines = pending.split('\n');
        pending = lines.pop();
        for (const line of lines) {
          const event = line.trim() ? JSON.parse(line) : null;
          if (event && event.mapVersion !== page.version) {
            refresh();
          }
        }
      }
    } catch (error) {
      if (controller.signal.aborted) {
        return;
      }
      page.watchError = String(error);
    }
    if (watching === controller) {
      // Said on the page: what it shows may be behind until the stream is back.
      $('live-status').textContent = '· reconnecting…';
      $('live-status').className = 'reconnecting';
      setTimeout(() => { if (watching === controller) { watch(); } }, 2000);
    }
  }

  refresh();
  listPlans().then(() => { if ($('plan-choice').value) { comparePlan(); } });
  watch();
  // The safety net: a cheap GET of /v1/map (its layer statistics are cached per version).
  setInterval(refresh, pollMs);
})();
