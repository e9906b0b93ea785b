/// The page `digits serve` shows at `/`: a pad to draw a digit on with mouse, pen or finger
/// (pointer events), live predictions while drawing, a bar chart of the ten probabilities, and
/// an upload button. Self-contained (no scripts or fonts from elsewhere), so it works offline.
/// The ids (`pad`, `clear`, `upload`, `digit`, `confidence`, `bars`, `status`) and
/// `<body data-pending>` are what the Chromium test drives and reads.
enum DrawingPage {
  static let html = #"""
    <!doctype html>
    <html lang="en">
    <head>
    <meta charset="utf-8">
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <title>digits: draw a digit</title>
    <style>
      :root { --ink: #1b1f24; --muted: #6a737d; --accent: #2f6feb; --bar: #c9d6f2; }
      * { box-sizing: border-box; }
      body { margin: 0; font: 16px/1.4 system-ui, sans-serif; color: var(--ink); background: #f4f6f8; }
      main { max-width: 760px; margin: 0 auto; padding: 24px 16px; }
      h1 { font-size: 22px; margin: 0 0 4px; }
      p.lead { margin: 0 0 20px; color: var(--muted); }
      .panels { display: flex; flex-wrap: wrap; gap: 24px; align-items: flex-start; }
      .card { background: #fff; border-radius: 12px; box-shadow: 0 1px 4px rgba(0,0,0,.12); padding: 16px; }
      #pad { display: block; width: 280px; height: 280px; border: 1px solid #d0d7de; border-radius: 8px;
             touch-action: none; cursor: crosshair; background: #fff; }
      .buttons { display: flex; gap: 8px; margin-top: 12px; }
      button, label.button { font: inherit; padding: 6px 14px; border-radius: 6px; border: 1px solid #d0d7de;
             background: #f6f8fa; cursor: pointer; }
      button:hover, label.button:hover { background: #eaeef2; }
      #upload { display: none; }
      .result { min-width: 300px; flex: 1; }
      #digit { font-size: 72px; font-weight: 700; line-height: 1; min-height: 72px; }
      #confidence { color: var(--muted); min-height: 22px; }
      #bars { display: flex; align-items: flex-end; gap: 6px; height: 160px; margin-top: 16px; }
      .bar { flex: 1; display: flex; flex-direction: column; align-items: center; justify-content: flex-end;
             height: 100%; }
      .bar .fill { width: 100%; background: var(--bar); border-radius: 4px 4px 0 0; height: 0;
             transition: height .12s; }
      .bar.top .fill { background: var(--accent); }
      .bar .label { font-size: 14px; margin-top: 4px; }
      #status { margin-top: 12px; color: var(--muted); min-height: 22px; }
      #status.error { color: #cf222e; }
    </style>
    </head>
    <body>
    <main>
      <h1>Draw a digit</h1>
      <p class="lead">Write one digit, 0 to 9, in the box (mouse, pen or finger), or upload a photo
        of one. The prediction updates as you draw. <span id="model"></span></p>
      <div class="panels">
        <div class="card">
          <canvas id="pad" width="280" height="280" aria-label="drawing pad"></canvas>
          <div class="buttons">
            <button id="clear" type="button">Clear</button>
            <label class="button" for="upload">Upload image…</label>
            <input id="upload" type="file" accept="image/png,image/jpeg,.pgm">
          </div>
        </div>
        <div class="card result">
          <div id="digit" aria-live="polite"></div>
          <div id="confidence"></div>
          <div id="bars"></div>
          <div id="status">Waiting for a digit.</div>
        </div>
      </div>
    </main>
    <script>
    "use strict";
    const pad = document.getElementById("pad");
    const pen = pad.getContext("2d");
    const bars = document.getElementById("bars");
    const digitView = document.getElementById("digit");
    const confidenceView = document.getElementById("confidence");
    const statusView = document.getElementById("status");
    let drawing = false, last = null, timer = null, sent = 0, shown = 0;
    // Predictions asked for and not yet shown, on <body data-pending> so a test can wait for 0.
    let pending = 0;
    function track(change) { pending += change; document.body.dataset.pending = pending; }

    for (let d = 0; d < 10; d++) {
      const bar = document.createElement("div");
      bar.className = "bar";
      bar.dataset.digit = d;
      bar.innerHTML = '<div class="fill"></div><div class="label">' + d + "</div>";
      bars.appendChild(bar);
    }

    function clearPad() {
      pen.fillStyle = "#fff";
      pen.fillRect(0, 0, pad.width, pad.height);
      digitView.textContent = "";
      confidenceView.textContent = "";
      for (const bar of bars.children) { bar.classList.remove("top"); bar.firstChild.style.height = "0"; delete bar.dataset.p; }
      setStatus("Waiting for a digit.");
      shown = sent;
    }

    function setStatus(text, isError) {
      statusView.textContent = text;
      statusView.classList.toggle("error", !!isError);
    }

    // Canvas coordinates of a pointer event (the pad may be scaled by CSS).
    function point(event) {
      const box = pad.getBoundingClientRect();
      return { x: (event.clientX - box.left) * pad.width / box.width,
               y: (event.clientY - box.top) * pad.height / box.height };
    }

    function stroke(from, to) {
      pen.strokeStyle = "#111";
      pen.lineWidth = 20;
      pen.lineCap = "round";
      pen.lineJoin = "round";
      pen.beginPath();
      pen.moveTo(from.x, from.y);
      pen.lineTo(to.x, to.y);
      pen.stroke();
    }

    pad.addEventListener("pointerdown", (event) => {
      event.preventDefault();
      pad.setPointerCapture(event.pointerId);
      drawing = true;
      last = point(event);
      stroke(last, last);
      schedule();
    });
    pad.addEventListener("pointermove", (event) => {
      if (!drawing) return;
      const next = point(event);
      stroke(last, next);
      last = next;
      schedule();
    });
    for (const type of ["pointerup", "pointercancel"]) {
      pad.addEventListener(type, () => {
        if (!drawing) return;
        drawing = false;
        predictPad();
      });
    }

    // While drawing, at most one request every 150 ms; always one when the stroke ends.
    function schedule() {
      if (timer === null) timer = setTimeout(predictPad, 150);
    }

    function predictPad() {
      if (timer !== null) { clearTimeout(timer); timer = null; }
      track(+1);
      pad.toBlob((blob) => send(blob, "drawing.png").finally(() => track(-1)), "image/png");
    }

    async function send(body, name) {
      const id = ++sent;
      try {
        const response = await fetch("/api/predict", {
          method: "POST",
          headers: { "Content-Type": body.type || "application/octet-stream",
                     "X-File-Name": encodeURIComponent(name) },
          body });
        const answer = await response.json();
        if (id < shown) return;  // an older answer that arrived late
        shown = id;
        if (!response.ok) { setStatus(answer.error || ("error " + response.status), true); return; }
        show(answer);
      } catch (error) {
        setStatus("The server did not answer: " + error, true);
      }
    }

    function show(answer) {
      const p = answer.probabilities;
      digitView.textContent = answer.digit;
      confidenceView.textContent = (100 * p[answer.digit]).toFixed(1) + "% sure";
      for (const bar of bars.children) {
        const d = Number(bar.dataset.digit);
        bar.dataset.p = p[d];
        bar.firstChild.style.height = (100 * p[d]).toFixed(1) + "%";
        bar.classList.toggle("top", d === answer.digit);
      }
      setStatus("Predicted " + answer.file + ".");
    }

    document.getElementById("clear").addEventListener("click", clearPad);
    document.getElementById("upload").addEventListener("change", async (event) => {
      const file = event.target.files[0];
      if (!file) return;
      event.target.value = "";
      clearPad();
      try {  // a preview on the pad, fitted into it; the server gets the file itself
        const picture = await createImageBitmap(file);
        const scale = Math.min(pad.width / picture.width, pad.height / picture.height);
        const w = picture.width * scale, h = picture.height * scale;
        pen.drawImage(picture, (pad.width - w) / 2, (pad.height - h) / 2, w, h);
      } catch (error) { /* the browser cannot show it; the server will say why */ }
      track(+1);
      send(file, file.name).finally(() => track(-1));
    });

    fetch("/healthz").then((r) => r.json()).then((health) => {
      document.getElementById("model").textContent = "Model: " + health.model + ".";
    }).catch(() => {});
    track(0);
    clearPad();
    </script>
    </body>
    </html>
    """#
}
