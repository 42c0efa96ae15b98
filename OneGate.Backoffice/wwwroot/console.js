// Copy buttons (the new regulator key): <button data-copy="element-id">. Delegated, so it works after enhanced navigation.
document.addEventListener('click', async event => {
    const button = event.target.closest('button[data-copy]');
    if (!button) return;
    const source = document.getElementById(button.dataset.copy);
    await navigator.clipboard.writeText(source.value ?? source.textContent);
    button.textContent = 'Copied';
});
