console.log("backline test script");
