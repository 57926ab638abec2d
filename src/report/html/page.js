(function () {
  const tip = document.getElementById('tip');
  function rowOf(mark) {
    return mark.dataset.window ? document.getElementById('window-' + mark.dataset.window) : null;
  }
  let lit = [];
  function light(marks) {
    lit.forEach(function (each) { each.classList.remove('highlight'); });
    lit = marks;
    lit.forEach(function (each) { each.classList.add('highlight'); });
  }
  document.addEventListener('mousemove', function (event) {
    const mark = event.target.closest('[data-tip]');
    if (!mark) { tip.hidden = true; light([]); return; }
    tip.textContent = mark.dataset.tip;
    tip.hidden = false;
    const x = Math.min(event.clientX + 14, window.innerWidth - tip.offsetWidth - 4);
    tip.style.left = Math.max(4, x) + 'px';
    tip.style.top = (event.clientY + 16) + 'px';
    const marks = [mark];
    if (mark.dataset.window) {
      document.querySelectorAll('[data-window="' + mark.dataset.window + '"]')
          .forEach(function (each) { if (each !== mark) marks.push(each); });
      const row = rowOf(mark);
      if (row && marks.indexOf(row) < 0) marks.push(row);
    }
    light(marks);
  });
  document.body.dataset.ready = 'yes';
})();
