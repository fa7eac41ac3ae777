"""What the page faces share (the console and the technician's pages): the HTML forms of
the workflow actions drawn from their input models, and taking an action from a
submitted form. Below every face, so no face imports another."""
