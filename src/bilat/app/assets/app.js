const $ = (id) => document.getElementById(id);
let catalogue = null;
function fmt(x){ return (x === null || x === undefined) ? '–' : Number(x).toFixed(3); }
function esc(s){ const d = document.createElement('div'); d.textContent = String(s); return d.innerHTML; }
function showInstruments(){
  const name = $('policy').value;
  const policy = catalogue.policies.find(p => p.name === name);
  const box = $('instruments'); box.innerHTML = '';
  for (const r of catalogue.instruments){
    const value = policy.instruments[r.name] ?? 0;
    const id = 'inst-' + r.name;
    const wrap = document.createElement('div');
    wrap.innerHTML = `<label for="${id}">${esc(r.name.replaceAll('_',' '))} <span class="muted">(${esc(r.unit)})</span></label>` +
      `<input type="number" id="${id}" name="${esc(r.name)}" min="${r.min}" max="${r.max}" step="${r.step}" value="${value}" ${policy.editable ? '' : 'disabled'}>`;
    box.appendChild(wrap);
  }
  $('policy-note').textContent = policy.label + (policy.editable ? '' : ' (replays the record; not editable)');
}
async function loadPolicies(){
  const res = await fetch('/api/policies');
  if (!res.ok){ $('whatif-status').textContent = 'Not available: ' + (await res.json()).detail; $('run').disabled = true; return; }
  catalogue = await res.json();
  const sel = $('policy'); sel.innerHTML = '';
  for (const p of catalogue.policies){
    const o = document.createElement('option'); o.value = p.name; o.textContent = p.name; sel.appendChild(o);
  }
  sel.addEventListener('change', showInstruments);
  showInstruments();
  $('baseline').textContent = catalogue.baseline;
}
async function runWhatIf(ev){
  ev.preventDefault();
  const name = $('policy').value;
  const policy = catalogue.policies.find(p => p.name === name);
  const instruments = {};
  if (policy.editable){
    for (const input of $('instruments').querySelectorAll('input')){
      const v = parseFloat(input.value);
      if (!Number.isNaN(v) && v !== policy.instruments[input.name]) instruments[input.name] = v;
    }
  }
  const body = {policy: name, instruments, runs: parseInt($('runs').value), years: parseInt($('years').value), seed: parseInt($('seed').value)};
  $('run').disabled = true; $('whatif-status').textContent = 'Simulating…';
  try {
    const res = await fetch('/api/simulate', {method: 'POST', headers: {'Content-Type': 'application/json'}, body: JSON.stringify(body)});
    const data = await res.json();
    if (!res.ok){ $('whatif-status').innerHTML = '<span class="error">' + esc(typeof data.detail === 'string' ? data.detail : JSON.stringify(data.detail)) + '</span>'; return; }
    let rows = '';
    for (const o of data.outcomes){
      const iv = o.interval ? `[${fmt(o.interval.low)}, ${fmt(o.interval.high)}]` : '';
      let cls = '';
      if (o.difference !== null && o.difference !== undefined && o.lower_is_better !== null && o.lower_is_better !== undefined){
        cls = ((o.difference < 0) === o.lower_is_better) ? 'better' : 'worse';
      }
      const div = o.difference_interval ? ` [${fmt(o.difference_interval.low)}, ${fmt(o.difference_interval.high)}]` : '';
      rows += `<tr><td>${esc(o.label)}</td><td class="num">${fmt(o.mean)} <span class="muted">${iv}</span></td>` +
              `<td class="num">${fmt(o.baseline_mean)}</td><td class="num ${cls}">${fmt(o.difference)}<span class="muted">${div}</span></td></tr>`;
    }
    $('results').innerHTML = `<table id="outcomes"><thead><tr><th>outcome</th><th>${esc(data.policy)}</th><th>${esc(data.baseline)}</th><th>difference</th></tr></thead><tbody>${rows}</tbody></table>`;
    $('whatif-status').textContent = `${data.runs} runs × ${data.years} years, seed ${data.seed}; runs paired with the baseline by common random numbers.`;
  } finally { $('run').disabled = false; }
}
async function upload(ev){
  ev.preventDefault();
  const form = ev.target; const kind = form.dataset.kind;
  const data = new FormData(form);
  const out = form.querySelector('.out'); out.textContent = 'Working…';
  const res = await fetch('/api/' + kind, {method: 'POST', body: data});
  const body = await res.json();
  if (!res.ok){ out.innerHTML = '<span class="error">' + esc(typeof body.detail === 'string' ? body.detail : JSON.stringify(body.detail)) + '</span>'; return; }
  if (kind === 'code'){
    let rows = body.items.slice(0, 50).map(e => `<tr><td>${esc(e.date)}</td><td>${esc(e.actor_code)} → ${esc(e.recipient_code)}</td><td>${esc(e.cameo)}</td><td>${esc(e.modality)}</td><td class="muted">${esc(e.sentence)}</td></tr>`).join('');
    out.innerHTML = `<p>${body.events} events (${body.facts} facts), ${body.stored} stored.</p><table><tbody>${rows}</tbody></table>`;
  } else {
    out.innerHTML = `<p>read ${body.read}, stored ${body.stored}, duplicates ${body.duplicates}, quarantined ${body.quarantined}</p>` +
      (body.reasons.length ? '<ul>' + body.reasons.map(r => '<li>' + esc(r) + '</li>').join('') + '</ul>' : '');
  }
}
document.addEventListener('DOMContentLoaded', () => {
  $('whatif').addEventListener('submit', runWhatIf);
  for (const f of document.querySelectorAll('form.upload')) f.addEventListener('submit', upload);
  loadPolicies();
});
